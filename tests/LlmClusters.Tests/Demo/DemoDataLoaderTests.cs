using LlmClusters.Core.Demo;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Demo;

[Collection(EngineCollectionDefinition.Name)]
public sealed class DemoDataLoaderTests(EngineFixture engine)
{
    [Fact]
    public async Task Loaded_runs_reference_only_items_that_exist_in_their_window()
    {
        using var source = engine.NewTable("demo");
        var runner = new QueryRunner(source);
        var data = DemoDataGenerator.Generate(new DemoDataOptions { Seed = 3, TraceCount = 800, End = new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc) });
        var reports = new List<DemoLoadProgress>();

        var summary = await DemoDataLoader.LoadAsync(runner, data, new SynchronousProgress<DemoLoadProgress>(reports.Add), CancellationToken.None);

        Assert.Equal(data.EventCount, summary.EventCount);
        Assert.Equal(data.Traces.Count, reports[^1].TracesWritten);
        Assert.Equal(100, reports[^1].Percent);
        var count = await source.QueryAsync(new SqlQuery("Count", $"SELECT count() FROM {source.Table.Quoted}"), CancellationToken.None);
        Assert.Equal((ulong)data.EventCount, count.Rows[0][0]);

        // Item membership read by ClickHouse itself from the stored JSON, checked against the stored events.
        var check = await source.QueryAsync(new SqlQuery("ItemsMissingFromWindow", $"""
            WITH runs AS (
                SELECT JSONExtractString(properties, '$ai_clustering_run_id') AS run_id,
                       multiIf(event = '$ai_generation_clusters', '$ai_generation', event = '$ai_evaluation_clusters', '$ai_evaluation', '$ai_trace') AS item_event,
                       parseDateTime64BestEffort(JSONExtractString(properties, '$ai_window_start'), 6, 'UTC') AS window_start,
                       parseDateTime64BestEffort(JSONExtractString(properties, '$ai_window_end'), 6, 'UTC') AS window_end,
                       arrayJoin(arrayFlatten(arrayMap(c -> JSONExtractKeys(c, 'traces'), JSONExtractArrayRaw(properties, '$ai_clusters')))) AS item
                FROM {source.Table.Quoted}
                WHERE event IN ('$ai_trace_clusters', '$ai_generation_clusters', '$ai_evaluation_clusters')
            )
            SELECT run_id, count() AS items, countIf(hits = 0) AS outside
            FROM (
                SELECT r.run_id AS run_id, r.item AS item,
                       countIf(e.event = r.item_event
                               AND e.timestamp >= r.window_start AND e.timestamp < r.window_end) AS hits
                FROM runs AS r
                LEFT JOIN (
                    SELECT if(event = '$ai_trace', JSONExtractString(properties, '$ai_trace_id'), toString(uuid)) AS key, event, timestamp
                    FROM {source.Table.Quoted}
                    WHERE event IN ('$ai_generation', '$ai_trace', '$ai_evaluation')
                ) AS e ON e.key = r.item
                GROUP BY run_id, item
            )
            GROUP BY run_id
            ORDER BY run_id
            """), CancellationToken.None);

        Assert.Equal(data.Runs.Select(r => r.RunId).Order(StringComparer.Ordinal), check.Rows.Select(r => (string)r[0]!));
        Assert.All(check.Rows, r => Assert.True((ulong)r[1]! > 0));
        Assert.All(check.Rows, r => Assert.Equal(0UL, r[2]));
    }

    [Fact]
    public async Task Streamed_load_writes_the_same_events_as_the_whole_data()
    {
        var options = new DemoDataOptions { Seed = 5, TraceCount = 300, End = new DateTime(2026, 5, 1, 0, 0, 0, DateTimeKind.Utc) };
        using var whole = engine.NewTable("demo_whole");
        using var streamed = engine.NewTable("demo_streamed");
        var data = DemoDataGenerator.Generate(options);
        var first = await DemoDataLoader.LoadAsync(new QueryRunner(whole), data, null, CancellationToken.None);
        var second = await DemoDataLoader.LoadAsync(new QueryRunner(streamed), DemoDataGenerator.Stream(options), null, CancellationToken.None);

        Assert.Equal(first with { Location = "", Table = "" }, second with { Location = "", Table = "" });
        Assert.Equal(data.EventCount, second.EventCount);
        Assert.Equal(await Fingerprint(whole), await Fingerprint(streamed));
        // The runs draw from the random stream after the traffic: traffic made twice would give other runs.
        var once = DemoDataGenerator.Stream(options);
        foreach (var _ in once.Traffic()) { }
        Assert.Throws<InvalidOperationException>(() => once.Traffic().First());
    }

    /// <summary>Every stored event, as an order-free fingerprint of its columns.</summary>
    private static async Task<string> Fingerprint(IAnalyticsSource source)
    {
        var result = await source.QueryAsync(new SqlQuery("Fingerprint",
            $"SELECT toString(count()) || ':' || toString(groupBitXor(cityHash64(uuid, event, properties, timestamp, team_id, distinct_id))) FROM {source.Table.Quoted}"),
            CancellationToken.None);
        return (string)result.Rows[0][0]!;
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
