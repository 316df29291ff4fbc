using System.Globalization;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Metrics;

/// <summary>
/// The module's cluster figures against the seed's own Step 3 SQL (../shared/seed/exploring-llm-clusters.md), run
/// independently on the same events and aggregated as PostHog's clusters page aggregates (clusterMetricsLoader.ts
/// aggregateClusterMetrics, with the seed's error rate: items with errors over items). The seed's SQL is HogQL; here it
/// is printed as PostHog prints it for ClickHouse: properties.$x reads the raw JSON value with its quotes trimmed,
/// toFloat and toInt are accurateCastOrNull, parseDateTimeBestEffort is parseDateTime64BestEffortOrNull.
/// </summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class SeedSqlAgreementTests(EngineFixture engine)
{
    private static string Property(string name) =>
        $"replaceRegexpAll(nullIf(nullIf(JSONExtractRaw(properties, '{name}'), ''), 'null'), '^\"|\"$', '')";

    private static string ToFloat(string name) => $"accurateCastOrNull({Property(name)}, 'Float64')";
    private static string ToInt(string name) => $"accurateCastOrNull({Property(name)}, 'Int64')";

    // The seed's Step 3, trace level.
    private static string TraceSql(EventsTable table) => $$"""
        SELECT
            JSONExtractString(properties, '$ai_trace_id') as trace_id,
            sum({{ToFloat("$ai_total_cost_usd")}}) as total_cost,
            max({{ToFloat("$ai_latency")}}) as latency,
            sum({{ToInt("$ai_input_tokens")}}) as input_tokens,
            sum({{ToInt("$ai_output_tokens")}}) as output_tokens,
            countIf({{Property("$ai_is_error")}} = 'true') as error_count
        FROM {{table.Quoted}}
        WHERE event IN ('$ai_generation', '$ai_embedding', '$ai_span')
            AND timestamp >= parseDateTime64BestEffortOrNull({start:String}, 6, 'UTC')
            AND timestamp <= parseDateTime64BestEffortOrNull({end:String}, 6, 'UTC')
            AND JSONExtractString(properties, '$ai_trace_id') IN {ids:Array(String)}
        GROUP BY trace_id
        """;

    // The seed's Step 3, generation level.
    private static string GenerationSql(EventsTable table) => $$"""
        SELECT
            toString(uuid) as generation_id,
            {{ToFloat("$ai_total_cost_usd")}} as cost,
            {{ToFloat("$ai_latency")}} as latency,
            {{ToInt("$ai_input_tokens")}} as input_tokens,
            {{ToInt("$ai_output_tokens")}} as output_tokens,
            if({{Property("$ai_is_error")}} = 'true', 1, 0) as is_error
        FROM {{table.Quoted}}
        WHERE event = '$ai_generation'
            AND timestamp >= parseDateTime64BestEffortOrNull({start:String}, 6, 'UTC')
            AND timestamp <= parseDateTime64BestEffortOrNull({end:String}, 6, 'UTC')
            AND toString(uuid) IN {ids:Array(String)}
        """;

    private sealed record Expected(long ItemCount, double? TotalCost, double? AvgCost, double? AvgLatency, double? AvgTokens, long ErrorCount, double? ErrorRate);

    private static async Task<Dictionary<int, Expected>> SeedFiguresAsync(IAnalyticsSource source, RunClusters run, IReadOnlyDictionary<int, IReadOnlyList<string>> members)
    {
        var level = run.Run.Level;
        var ids = members.Values.SelectMany(x => x).Distinct().ToArray();
        var result = await source.QueryAsync(new SqlQuery("SeedStep3", level == ClusterLevel.generation ? GenerationSql(source.Table) : TraceSql(source.Table),
            new Dictionary<string, object?>
            {
                ["start"] = run.Run.WindowStart!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                ["end"] = run.Run.WindowEnd!.Value.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                ["ids"] = ids,
            }), CancellationToken.None);
        var items = result.Rows.Select(values => new ResultRow(result.Schema, values)).ToDictionary(r => r.GetStringOrEmpty(result.Columns[0].Name), r => (
            Cost: r.GetDouble(result.Columns[1].Name), Latency: r.GetDouble(result.Columns[2].Name),
            Tokens: (r.GetInt64("input_tokens") ?? 0) + (r.GetInt64("output_tokens") ?? 0), Errors: r.GetInt64(result.Columns[5].Name) ?? 0));

        // clusterMetricsLoader.ts aggregateClusterMetrics, with the seed's error rate.
        return members.ToDictionary(m => m.Key, m =>
        {
            var mine = m.Value.Where(items.ContainsKey).Select(id => items[id]).ToList();
            var costs = mine.Where(i => i.Cost is > 0).Select(i => i.Cost!.Value).ToList();
            var latencies = mine.Where(i => i.Latency is > 0).Select(i => i.Latency!.Value).ToList();
            var tokens = mine.Where(i => i.Tokens > 0).Select(i => (double)i.Tokens).ToList();
            var errors = mine.Count(i => i.Errors > 0);
            return new Expected(mine.Count, costs.Count > 0 ? costs.Sum() : null, costs.Count > 0 ? costs.Average() : null,
                latencies.Count > 0 ? latencies.Average() : null, tokens.Count > 0 ? tokens.Average() : null, errors,
                mine.Count > 0 ? (double)errors / mine.Count : null);
        });
    }

    [Fact]
    public async Task Every_cluster_figure_of_every_demo_run_is_the_seeds()
    {
        var connection = engine.DemoConnection();
        var source = connection.CreateRunner(null).Source;
        var clusters = new ClusterReader(connection);
        var metrics = new ClusterMetricsReader(connection);
        var compared = 0;
        foreach (var demo in engine.DemoData.Runs.Where(r => r.Level != ClusterLevel.evaluation))
        {
            var run = await clusters.ReadClustersAsync(ClusterRunId.Parse(demo.RunId), CancellationToken.None);
            var items = await clusters.ReadItemsAsync(ClusterRunId.Parse(demo.RunId), null, null, CancellationToken.None);
            var members = items.GroupBy(i => i.ClusterId).ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(i => i.ItemId).ToList());
            var expected = await SeedFiguresAsync(source, run, members);
            var measured = (await metrics.MeasureAsync(run, MetricsDimension.None, CancellationToken.None)).ToDictionary(m => m.ClusterId);

            foreach (var (clusterId, seed) in expected)
            {
                var mine = measured[clusterId];
                var where = $"run {demo.RunId}, cluster {clusterId}";
                Assert.True(seed.ItemCount == mine.ItemCount, $"{where}: items {mine.ItemCount}, the seed's {seed.ItemCount}");
                Assert.True(seed.ErrorCount == mine.ErrorCount, $"{where}: errors {mine.ErrorCount}, the seed's {seed.ErrorCount}");
                Same(seed.TotalCost, mine.TotalCost, where + ": total cost");
                Same(seed.AvgCost, mine.AvgCost, where + ": average cost");
                Same(seed.AvgLatency, mine.AvgLatency, where + ": average latency");
                Same(seed.AvgTokens, mine.AvgTokens, where + ": average tokens");
                Same(seed.ErrorRate, mine.ErrorRate, where + ": error rate");
                compared++;
            }
        }
        Assert.True(compared > 20, $"only {compared} clusters were compared");
    }

    // Sums may add in another order in the two queries.
    private static void Same(double? seed, double? mine, string what) =>
        Assert.True(seed is null ? mine is null : mine is { } m && Math.Abs(m - seed.Value) <= 1e-9 * Math.Max(1, Math.Abs(seed.Value)),
            $"{what}: {mine?.ToString("R", CultureInfo.InvariantCulture) ?? "null"}, the seed's {seed?.ToString("R", CultureInfo.InvariantCulture) ?? "null"}");
}
