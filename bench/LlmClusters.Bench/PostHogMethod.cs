using System.Text.Json;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Bench;

/// <summary>
/// PostHog's way of computing cluster metrics (clusterMetricsLoader.ts, by its definitions: generations, embeddings and
/// spans, the window's end included, latency the longest event), as the baseline: load the run's clusters
/// to the client, send every item id in an IN list (in chunks of 10,000, as clusterMetricsLoader.ts does), read one
/// row per item back, and aggregate per cluster on the client. Property values are read as HogQL's properties.$x
/// compiles them on PostHog's production table: the trace id from mat_$ai_trace_id, the others from the
/// properties_group_ai map (the bench's table has both, as the module's store does).
/// </summary>
internal sealed class PostHogMethod(QueryRunner runner)
{
    public const int ChunkSize = 10_000;

    private static string Text(string name) => $"if(has(properties_group_ai, '{name}'), properties_group_ai['{name}'], NULL)";

    private static string Property(string name) => $"toFloat64OrNull({Text(name)})";

    private const string TraceId = "ifNull(`mat_$ai_trace_id`, '')";

    public async Task<Dictionary<int, (long Items, long Errors, double? AvgCost, double? TotalCost, double? AvgLatency, double? AvgTokens)>> MeasureAsync(
        ClusterRunId runId, CancellationToken cancellationToken)
    {
        var payload = await runner.QueryAsync(new SqlQuery("PostHogRunPayload", $"""
            SELECT JSONExtractRaw(properties, '$ai_clusters') AS clusters,
                   JSONExtractString(properties, '$ai_window_start') AS window_start, JSONExtractString(properties, '$ai_window_end') AS window_end
            FROM {runner.Source.Table.Quoted}
            WHERE event IN ('$ai_trace_clusters', '$ai_generation_clusters') AND timestamp >= {"{day_start:DateTime64(6, 'UTC')}"} AND timestamp < {"{day_end:DateTime64(6, 'UTC')}"}
              AND JSONExtractString(properties, '$ai_clustering_run_id') = {"{run_id:String}"}
            LIMIT 1
            """, new Dictionary<string, object?> { ["day_start"] = runId.DayStart, ["day_end"] = runId.DayStart.AddDays(1).AddHours(6), ["run_id"] = runId.RunId }), cancellationToken);
        var row = payload.Rows[0];
        var members = new Dictionary<string, int>();
        using (var document = JsonDocument.Parse((string)row[0]!))
            foreach (var cluster in document.RootElement.EnumerateArray())
            {
                var clusterId = cluster.GetProperty("cluster_id").GetInt32();
                foreach (var item in cluster.GetProperty("traces").EnumerateObject()) members[item.Name] = clusterId;
            }

        var byGeneration = runId.Level == ClusterLevel.generation;
        var perItem = new Dictionary<string, (double Cost, double Latency, double Tokens, bool Errored)>();
        foreach (var chunk in members.Keys.Chunk(ChunkSize))
        {
            var text = byGeneration
                ? $"""
                  SELECT toString(uuid) AS item_id, ifNull({Property("$ai_total_cost_usd")}, 0) AS cost, ifNull({Property("$ai_latency")}, 0) AS latency,
                         ifNull({Property("$ai_input_tokens")}, 0) + ifNull({Property("$ai_output_tokens")}, 0) AS tokens,
                         ifNull({Text("$ai_is_error")}, '') = 'true' AS errored
                  FROM {runner.Source.Table.Quoted}
                  WHERE event = '$ai_generation' AND timestamp >= parseDateTimeBestEffort({"{ws:String}"}) AND timestamp <= parseDateTimeBestEffort({"{we:String}"})
                    AND toString(uuid) IN {"{ids:Array(String)}"}
                  """
                : $"""
                  SELECT {TraceId} AS item_id,
                         sum(ifNull({Property("$ai_total_cost_usd")}, 0)) AS cost,
                         max(ifNull({Property("$ai_latency")}, 0)) AS latency,
                         sum(ifNull({Property("$ai_input_tokens")}, 0) + ifNull({Property("$ai_output_tokens")}, 0)) AS tokens,
                         max(ifNull({Text("$ai_is_error")}, '') = 'true') AS errored
                  FROM {runner.Source.Table.Quoted}
                  WHERE event IN ('$ai_generation', '$ai_span', '$ai_embedding')
                    AND timestamp >= parseDateTimeBestEffort({"{ws:String}"}) AND timestamp <= parseDateTimeBestEffort({"{we:String}"})
                    AND {TraceId} IN {"{ids:Array(String)}"}
                  GROUP BY item_id
                  """;
            var result = await runner.QueryAsync(new SqlQuery("PostHogItemMetricsByIdList", text,
                new Dictionary<string, object?> { ["ws"] = row[1], ["we"] = row[2], ["ids"] = chunk }), cancellationToken);
            foreach (var r in result.Rows)
                perItem[(string)r[0]!] = (Convert.ToDouble(r[1]), Convert.ToDouble(r[2]), Convert.ToDouble(r[3]), Convert.ToInt64(r[4]) != 0);
        }

        // aggregateClusterMetrics, on the client.
        return members.GroupBy(m => m.Value).ToDictionary(g => g.Key, g =>
        {
            var items = g.Where(m => perItem.ContainsKey(m.Key)).Select(m => perItem[m.Key]).ToList();
            var costs = items.Where(i => i.Cost > 0).Select(i => i.Cost).ToList();
            var latencies = items.Where(i => i.Latency > 0).Select(i => i.Latency).ToList();
            var tokens = items.Where(i => i.Tokens > 0).Select(i => i.Tokens).ToList();
            return ((long)items.Count, (long)items.Count(i => i.Errored), costs.Count > 0 ? costs.Average() : (double?)null,
                costs.Count > 0 ? costs.Sum() : (double?)null, latencies.Count > 0 ? latencies.Average() : (double?)null,
                tokens.Count > 0 ? tokens.Average() : (double?)null);
        });
    }
}
