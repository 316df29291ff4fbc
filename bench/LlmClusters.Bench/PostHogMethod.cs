using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Bench;

/// <summary>
/// PostHog's clusters page's way of computing a trace-level run's metrics (clusterMetricsLoader.ts), the baseline: after
/// the run's clusters are read (by the module, as Get-LlmCluster -NoMetrics reads them), one statement per 10,000 item
/// ids, exactly as issue 29 gives it (PostHog's own columns: mat_$ai_trace_id and properties_group_ai), then the
/// per-cluster averages on the client as the loader takes them. Without the id list, the same statement is the floor:
/// one scan of every item in the window.
/// </summary>
internal sealed class PostHogMethod(QueryRunner runner)
{
    public const int ChunkSize = 10_000;

    private static string Read(string name) => $"if(has(properties_group_ai, '{name}'), properties_group_ai['{name}'], NULL)";

    private string Statement(bool byIds) => $"""
        SELECT `mat_$ai_trace_id` AS item,
               sum(toFloat64OrNull({Read("$ai_total_cost_usd")})) AS cost,
               max(toFloat64OrNull({Read("$ai_latency")})) AS latency,
               sum(toInt64OrNull({Read("$ai_input_tokens")})) AS input_tokens,
               sum(toInt64OrNull({Read("$ai_output_tokens")})) AS output_tokens,
               countIf({Read("$ai_is_error")} = 'true') AS errors
        FROM {runner.Source.Table.Quoted}
        WHERE event IN ('$ai_generation', '$ai_embedding', '$ai_span')
          AND timestamp >= {"{window_start:DateTime64(6, 'UTC')}"} AND timestamp <= {"{window_end:DateTime64(6, 'UTC')}"}
          {(byIds ? "AND `mat_$ai_trace_id` IN {ids:Array(String)}" : "")}
        GROUP BY item
        """;

    /// <summary>The floor: the same aggregation over every item of the window, no membership.</summary>
    public Task<QueryResult> FloorAsync(ClusterRun run, CancellationToken cancellationToken) =>
        runner.QueryAsync(new SqlQuery("PostHogWindowScan", Statement(byIds: false), Window(run)), cancellationToken);

    private static Dictionary<string, object?> Window(ClusterRun run) =>
        new() { ["window_start"] = run.WindowStart!.Value, ["window_end"] = run.WindowEnd!.Value };

    /// <param name="run">The run as the module read it.</param>
    /// <param name="items">Its items, as the page loads them with the run's clusters.</param>
    /// <param name="cancellationToken">Stops the statements.</param>
    public async Task<Dictionary<int, (long Items, long Errors, double? AvgCost, double? TotalCost, double? AvgLatency, double? AvgTokens)>> MeasureAsync(
        RunClusters run, IReadOnlyList<ClusterItem> items, CancellationToken cancellationToken)
    {
        var members = new Dictionary<string, int>();
        foreach (var item in items) members[item.ItemId] = item.ClusterId;

        var perItem = new Dictionary<string, (double Cost, double Latency, double Tokens, bool Errored)>();
        foreach (var chunk in members.Keys.Chunk(ChunkSize))
        {
            var parameters = Window(run.Run);
            parameters["ids"] = chunk;
            var result = await runner.QueryAsync(new SqlQuery("PostHogItemMetricsByIdList", Statement(byIds: true), parameters), cancellationToken);
            foreach (var r in result.Rows)
                perItem[(string)r[0]!] = (Number(r[1]), Number(r[2]), Number(r[3]) + Number(r[4]), Number(r[5]) > 0);
        }

        // aggregateClusterMetrics, on the client: means over the items with a value above 0.
        return members.GroupBy(m => m.Value).ToDictionary(g => g.Key, g =>
        {
            var measured = g.Where(m => perItem.ContainsKey(m.Key)).Select(m => perItem[m.Key]).ToList();
            var costs = measured.Where(i => i.Cost > 0).Select(i => i.Cost).ToList();
            var latencies = measured.Where(i => i.Latency > 0).Select(i => i.Latency).ToList();
            var tokens = measured.Where(i => i.Tokens > 0).Select(i => i.Tokens).ToList();
            return ((long)measured.Count, (long)measured.Count(i => i.Errored), costs.Count > 0 ? costs.Average() : (double?)null,
                costs.Count > 0 ? costs.Sum() : (double?)null, latencies.Count > 0 ? latencies.Average() : (double?)null,
                tokens.Count > 0 ? tokens.Average() : (double?)null);
        });
    }

    private static double Number(object? value) => value is null ? 0 : Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture);
}
