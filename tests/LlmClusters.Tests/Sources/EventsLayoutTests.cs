using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Core.Traces;

namespace LlmClusters.Tests.Sources;

/// <summary>
/// The events table as PostHog lays it out (mat_$ai_trace_id, properties_group_ai filled at insert time): the store
/// is made so, a table written by release 0.1.0 (properties only) is upgraded in place without losing a row, and
/// every source reads the columns its table has and falls back to the properties text where it has none, with the
/// same figures either way.
/// </summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class EventsLayoutTests(EngineFixture engine)
{
    // The table as release 0.1.0 made it (EventQueries.CreateEventsTable before PostHog's property columns).
    private static string ReleaseZeroOneTable(EventsTable table) => $"""
        CREATE TABLE {table.Quoted}
        (
            uuid UUID, event String, properties String, timestamp DateTime64(6, 'UTC'), team_id Int64, distinct_id String,
            created_at DateTime64(6, 'UTC') DEFAULT now64(6, 'UTC')
        )
        ENGINE = MergeTree PARTITION BY toYYYYMM(timestamp) ORDER BY (team_id, toDate(timestamp), event, cityHash64(distinct_id), cityHash64(uuid))
        """;

    private static Task<QueryResult> Run(IAnalyticsSource source, string sql, bool writes = false) =>
        source.QueryAsync(new SqlQuery("Test", sql) { Writes = writes }, CancellationToken.None);

    [Fact]
    public async Task The_store_is_made_with_PostHogs_property_columns_filled_at_insert()
    {
        var runner = engine.DemoConnection().CreateRunner(null);
        var table = await runner.DescribedTableAsync(CancellationToken.None);

        Assert.Equal(PropertyColumns.All, table.Columns);
        var filled = await Run(runner.Source, $"""
            SELECT countIf(`mat_$ai_trace_id` = JSONExtractString(properties, '$ai_trace_id')) AS same_trace,
                   countIf(properties_group_ai['$ai_model'] = JSONExtractString(properties, '$ai_model')) AS same_model,
                   countIf(mapContains(properties_group_ai, '$ai_input')) AS with_input,
                   count() AS generations
            FROM {table.Quoted} WHERE event = '$ai_generation'
            """);
        var row = filled.Rows[0];
        Assert.Equal(row[3], row[0]);
        Assert.Equal(row[3], row[1]);
        Assert.Equal(0UL, Convert.ToUInt64(row[2]));   // the prompts stay in properties only
    }

    [Fact]
    public async Task A_table_written_by_release_0_1_is_upgraded_in_place_and_keeps_every_row()
    {
        var demo = engine.DemoConnection().CreateRunner(null).Source.Table;
        using var old = engine.NewTable("release_0_1");
        await Run(old, ReleaseZeroOneTable(old.Table), writes: true);
        await Run(old, $"INSERT INTO {old.Table.Quoted} (uuid, event, properties, timestamp, team_id, distinct_id) " +
                       $"SELECT uuid, event, properties, timestamp, team_id, distinct_id FROM {demo.Quoted}", writes: true);
        var before = await Run(old, $"SELECT count(), sum(cityHash64(properties)) FROM {old.Table.Quoted}");
        var notices = new List<string>();
        var runner = new QueryRunner(old, new Observer(notices));
        Assert.Equal(PropertyColumns.None, (await runner.DescribedTableAsync(CancellationToken.None)).Columns);

        await runner.EnsureEventsTableAsync(CancellationToken.None);

        Assert.Equal(PropertyColumns.All, (await runner.DescribedTableAsync(CancellationToken.None)).Columns);
        Assert.Equal(PropertyColumns.All, (await new QueryRunner(old).DescribedTableAsync(CancellationToken.None)).Columns);
        var after = await Run(old, $"SELECT count(), sum(cityHash64(properties)) FROM {old.Table.Quoted}");
        Assert.Equal(before.Rows[0], after.Rows[0]);
        Assert.Contains(notices, n => n.Contains("Upgrading", StringComparison.Ordinal) && n.Contains("properties_group_ai", StringComparison.Ordinal));
        // Written to every part, not computed from properties on each read.
        var written = await Run(old, $"""
            SELECT countIf(column = 'properties_group_ai'), countIf(column = 'mat_$ai_trace_id'), uniqExact(name)
            FROM system.parts_columns WHERE table = '{old.Table.Name}' AND active
            """);
        Assert.Equal(written.Rows[0][2], written.Rows[0][0]);
        Assert.Equal(written.Rows[0][2], written.Rows[0][1]);

        // A second open finds nothing to do.
        notices.Clear();
        await new QueryRunner(old, new Observer(notices)).EnsureEventsTableAsync(CancellationToken.None);
        Assert.Empty(notices);
    }

    [Fact]
    public async Task Figures_are_the_same_from_the_columns_and_from_the_properties_text()
    {
        var connection = engine.DemoConnection();
        var runner = connection.CreateRunner(null);
        var columns = await runner.DescribedTableAsync(CancellationToken.None);
        var text = columns with { Columns = PropertyColumns.None };
        var demo = engine.DemoData.Runs.Where(r => r.Level == ClusterLevel.trace && !r.IsLegacy).MaxBy(r => r.WindowEnd)!;
        var id = ClusterRunId.Parse(demo.RunId);
        var run = await new ClusterReader(connection).ReadClustersAsync(id, CancellationToken.None);
        var traces = engine.DemoData.Traces.Where(t => t.Start >= demo.WindowStart && t.Start < demo.WindowEnd).Take(50).Select(t => t.TraceId).ToList();

        foreach (var (name, a, b) in new (string, SqlQuery, SqlQuery)[]
        {
            ("metrics", MetricsQueries.ClusterMetrics(columns, id, demo.WindowStart, demo.WindowEnd, null, 1_500, MetricsDimension.Provider),
                        MetricsQueries.ClusterMetrics(text, id, demo.WindowStart, demo.WindowEnd, null, 1_500, MetricsDimension.Provider)),
            ("items", MetricsQueries.ItemMetrics(columns, id, demo.WindowStart, demo.WindowEnd, null, 1_500, null),
                      MetricsQueries.ItemMetrics(text, id, demo.WindowStart, demo.WindowEnd, null, 1_500, null)),
            ("trace events", TraceQueries.TraceEvents(columns, traces, demo.WindowStart, demo.WindowEnd, null),
                             TraceQueries.TraceEvents(text, traces, demo.WindowStart, demo.WindowEnd, null)),
            ("failing traces", TraceQueries.RecentTraces(columns, demo.WindowStart, demo.WindowEnd, null, null, true, 50),
                               TraceQueries.RecentTraces(text, demo.WindowStart, demo.WindowEnd, null, null, true, 50)),
            ("sample", ClusteringQueries.SampleItems(columns, ClusterLevel.trace, demo.WindowStart, demo.WindowEnd, null, 200, 3, [new("$ai_provider", "openai")]),
                       ClusteringQueries.SampleItems(text, ClusterLevel.trace, demo.WindowStart, demo.WindowEnd, null, 200, 3, [new("$ai_provider", "openai")])),
        })
        {
            Assert.Contains("properties_group_ai", a.Text);
            Assert.DoesNotContain("properties_group_ai", b.Text);
            var (fromColumns, fromText) = (await runner.QueryAsync(a, CancellationToken.None), await runner.QueryAsync(b, CancellationToken.None));
            Assert.True(fromColumns.Rows.Count > 0, name);
            Assert.Equal(fromText.Rows.Count, fromColumns.Rows.Count);
            for (var r = 0; r < fromText.Rows.Count; r++)
                for (var c = 0; c < fromText.Columns.Count; c++)
                    Assert.True(Same(fromText.Rows[r][c], fromColumns.Rows[r][c]), $"{name}, row {r}, {fromText.Columns[c].Name}: {fromText.Rows[r][c]} vs {fromColumns.Rows[r][c]}");
        }
        Assert.NotEmpty(run.Clusters);
    }

    [Fact]
    public async Task A_ClickHouse_server_table_with_only_properties_is_read_from_the_text_with_the_same_figures()
    {
        var demoSource = engine.DemoConnection().CreateRunner(null).Source;
        using var old = engine.NewTable("server_0_1");
        await Run(old, ReleaseZeroOneTable(old.Table), writes: true);
        await Run(old, $"INSERT INTO {old.Table.Quoted} (uuid, event, properties, timestamp, team_id, distinct_id) " +
                       $"SELECT uuid, event, properties, timestamp, team_id, distinct_id FROM {demoSource.Table.Quoted}", writes: true);
        using var server = new ClickHouse.ClickHouseServerSource(new ClickHouse.ClickHouseServerOptions
        {
            Host = "127.0.0.1", Port = (ushort)engine.Endpoint.Port, Table = old.Table, Retries = 3,
        });
        var oldConnection = new LlmAnalyticsConnection(server);
        var demo = engine.DemoData.Runs.Where(r => r.Level == ClusterLevel.trace && !r.IsLegacy).MaxBy(r => r.WindowEnd)!;
        var id = ClusterRunId.Parse(demo.RunId);
        var sent = new List<string>();

        Assert.Equal(PropertyColumns.None, (await oldConnection.CreateRunner(null).DescribedTableAsync(CancellationToken.None)).Columns);
        var fromText = await new ClusterMetricsReader(oldConnection, new Observer([], sent)).MeasureAsync(
            await new ClusterReader(oldConnection).ReadClustersAsync(id, CancellationToken.None), MetricsDimension.None, CancellationToken.None);
        var fromColumns = await new ClusterMetricsReader(engine.DemoConnectionOverClickHouse()).MeasureAsync(
            await new ClusterReader(engine.DemoConnectionOverClickHouse()).ReadClustersAsync(id, CancellationToken.None), MetricsDimension.None, CancellationToken.None);

        Assert.Contains(sent, q => q.StartsWith("ClusterMetrics", StringComparison.Ordinal));
        Assert.DoesNotContain(sent, q => q.Contains("properties_group_ai", StringComparison.Ordinal) && q.StartsWith("ClusterMetrics", StringComparison.Ordinal));
        Assert.Equal(fromColumns.Count, fromText.Count);
        foreach (var (a, b) in fromColumns.Zip(fromText))
        {
            Assert.Equal(a.ItemCount, b.ItemCount);
            Assert.Equal(a.ErrorCount, b.ErrorCount);
            Assert.Equal(a.TotalCost ?? 0, b.TotalCost ?? 0, 1e-9);
            Assert.Equal(a.AvgLatency ?? 0, b.AvgLatency ?? 0, 1e-9);
            Assert.Equal(a.TopModel, b.TopModel);
        }
        var traces = await new TraceReader(oldConnection).RecentAsync(demo.WindowStart, demo.WindowEnd, null, errorOnly: true, 20, CancellationToken.None);
        Assert.NotEmpty(traces);
    }

    private static bool Same(object? a, object? b) => (a, b) switch
    {
        (double x, double y) => Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x)) || (double.IsNaN(x) && double.IsNaN(y)),
        (object?[] xs, object?[] ys) => xs.Length == ys.Length && xs.Zip(ys).All(p => Same(p.First, p.Second)),
        _ => Equals(a, b),
    };

    /// <summary>Hears notices, and the statements sent when given a list for them.</summary>
    private sealed class Observer(List<string> notices, List<string>? sent = null) : IQueryObserver
    {
        public void QueryStarting(SqlQuery query, string location) => sent?.Add(query.Name + ": " + query.Text);
        public void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows) { }
        public void Notice(string message) => notices.Add(message);
    }
}
