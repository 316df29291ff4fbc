using System.Text.Json;
using LlmClusters.ClickHouse;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Core.Traces;

namespace LlmClusters.Tests.Sources;

/// <summary>The ClickHouse server source, through the real driver against a loopback endpoint over the same engine.</summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class ClickHouseServerSourceTests(EngineFixture engine)
{
    private static string Json(object value) => JsonSerializer.Serialize(value);

    [Fact]
    public async Task Rows_are_read_as_the_server_sends_them_and_events_are_inserted_as_a_stream()
    {
        using var connection = engine.DemoConnectionOverClickHouse();
        var source = connection.CreateRunner(null).Source;
        long taken = 0;
        await foreach (var row in source.ReadAsync(new SqlQuery("Numbers", "SELECT number FROM numbers(300000)"), CancellationToken.None))
            Assert.Equal(taken++, Convert.ToInt64(row.Values[0]));
        Assert.Equal(300_000, taken);

        var table = engine.NewTable("inserted");
        var runner = new QueryRunner(table);
        await runner.EnsureEventsTableAsync(CancellationToken.None);
        using var server = new LlmAnalyticsConnection(new ClickHouseServerSource(new ClickHouseServerOptions
        {
            Host = "127.0.0.1", Port = (ushort)engine.Endpoint.Port, Table = table.Table, Retries = 1,
        }));
        var rows = Enumerable.Range(0, 3).Select(i => EventJson.Row(Guid.NewGuid(), "$ai_generation", $$"""{"$ai_trace_id":"t{{i}}"}""",
            new DateTime(2026, 3, 1, 0, 0, i, DateTimeKind.Utc), 1, "someone")).ToList();
        await server.CreateRunner(null).InsertJsonRowsAsync(rows, CancellationToken.None);
        var written = await runner.QueryAsync(new SqlQuery("Written", $"SELECT JSONExtractString(properties, '$ai_trace_id') AS t FROM {table.Table.Quoted} ORDER BY t"), CancellationToken.None);
        Assert.Equal(["t0", "t1", "t2"], written.Rows.Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Values_come_back_typed_as_from_the_embedded_engine()
    {
        var query = new SqlQuery("Types", """
            SELECT toInt64(42) AS i, toUInt64(7) AS u, 1.5 AS f, 'text' AS s, true AS b, toDateTime64('2026-03-28 10:00:00.123456', 6, 'UTC') AS t,
                   toUUID('00000000-0000-4000-8000-000000000001') AS id, ['a', 'b'] AS a, CAST(NULL, 'Nullable(String)') AS n, {v:String} AS v,
                   {when:DateTime64(6, 'UTC')} AS w, has({ids:Array(String)}, 'x''y') AS found
            """, new Dictionary<string, object?>
        {
            ["v"] = "O'Hara \\ \"quoted\" ünïcødé", ["when"] = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(10), ["ids"] = new[] { "x'y" },
        });
        var over = await engine.DemoConnectionOverClickHouse().CreateRunner(null).Source.QueryAsync(query, CancellationToken.None);
        var local = await engine.Source.QueryAsync(query, CancellationToken.None);

        Assert.Equal(local.Columns.Select(c => c.Name), over.Columns.Select(c => c.Name));
        Assert.Equal(Json(local.Rows), Json(over.Rows));
        Assert.Equal("O'Hara \\ \"quoted\" ünïcødé", over.Rows[0][9]);
    }

    [Fact]
    public async Task Server_errors_keep_clickhouses_code()
    {
        var source = engine.DemoConnectionOverClickHouse().CreateRunner(null).Source;
        var error = await Assert.ThrowsAsync<AnalyticsQueryException>(() => source.QueryAsync(new SqlQuery("Broken", "SELEC 1"), CancellationToken.None));
        Assert.Equal(62, error.Code);
        Assert.Equal("Broken", error.QueryName);
    }

    [Fact]
    public async Task Runs_clusters_items_metrics_and_traces_are_the_same_on_both_sources()
    {
        var local = engine.DemoConnection();
        var remote = engine.DemoConnectionOverClickHouse();
        var filter = new RunFilter { Since = EngineFixture.DemoEnd.AddDays(-30), Until = EngineFixture.DemoEnd.AddDays(1) };

        var runs = await new ClusterReader(local).ListRunsAsync(filter, CancellationToken.None);
        Assert.Equal(Json(runs), Json(await new ClusterReader(remote).ListRunsAsync(filter, CancellationToken.None)));
        foreach (var run in runs.Where(r => r.Level != ClusterLevel.evaluation))
        {
            var id = ClusterRunId.Parse(run.RunId);
            var clustersLocal = await new ClusterReader(local).ReadClustersAsync(id, CancellationToken.None);
            var clustersRemote = await new ClusterReader(remote).ReadClustersAsync(id, CancellationToken.None);
            Assert.Equal(Json(clustersLocal), Json(clustersRemote));
            Assert.Equal(Json(await new ClusterReader(local).ReadItemsAsync(id, null, 3, CancellationToken.None, withSummaries: true)),
                Json(await new ClusterReader(remote).ReadItemsAsync(id, null, 3, CancellationToken.None, withSummaries: true)));
            var metricsLocal = await new ClusterMetricsReader(local).MeasureAsync(clustersLocal, MetricsDimension.None, CancellationToken.None);
            var metricsRemote = await new ClusterMetricsReader(remote).MeasureAsync(clustersRemote, MetricsDimension.None, CancellationToken.None);
            Assert.Equal(metricsLocal.Select(m => (m.ClusterId, m.ItemCount, m.ErrorCount, m.TopModel, m.ModelCount)),
                metricsRemote.Select(m => (m.ClusterId, m.ItemCount, m.ErrorCount, m.TopModel, m.ModelCount)));
            Assert.All(metricsLocal.Zip(metricsRemote), p => Assert.Equal(p.First.TotalCost ?? 0, p.Second.TotalCost ?? 0, 1e-9));
        }

        var traceIds = engine.DemoData.Traces.Take(20).Select(t => new TraceRequest(t.TraceId, t.Start.AddDays(-1), t.Start.AddDays(1))).ToList();
        var (tracesLocal, _) = await new TraceReader(local).ReadAsync(traceIds, CancellationToken.None);
        var (tracesRemote, _) = await new TraceReader(remote).ReadAsync(traceIds, CancellationToken.None);
        Assert.Equal(Json(tracesLocal), Json(tracesRemote));
    }

    [Fact]
    public async Task A_read_that_fails_on_the_way_is_tried_again()
    {
        var source = engine.DemoConnectionOverClickHouse().CreateRunner(null).Source;
        engine.Endpoint.FailNext(2);
        var result = await source.QueryAsync(new SqlQuery("One", "SELECT 1 AS one"), CancellationToken.None);
        Assert.Equal(1, result.Rows[0][0]);
    }

    [Fact]
    public async Task An_unreachable_server_names_host_and_user()
    {
        using var source = new ClickHouseServerSource(new ClickHouseServerOptions { Host = "127.0.0.1", Port = 1, User = "analyst", Password = "hunter2", Retries = 1 });
        var error = await Assert.ThrowsAsync<SourceUnreachableException>(() => source.QueryAsync(new SqlQuery("One", "SELECT 1"), CancellationToken.None));
        Assert.Contains("127.0.0.1:1", error.Message);
        Assert.Contains("'analyst'", error.Message);
        Assert.DoesNotContain("hunter2", error.Message);
        Assert.False(error.LoginRefused);
    }

    [Fact]
    public async Task A_refused_login_says_so_without_the_password()
    {
        using var guarded = new ClickHouseHttpEndpoint(engine.DataPath, password: "right");
        using var source = new ClickHouseServerSource(new ClickHouseServerOptions { Host = "127.0.0.1", Port = (ushort)guarded.Port, User = "analyst", Password = "wrong-secret" });
        var error = await Assert.ThrowsAsync<SourceUnreachableException>(() => source.QueryAsync(new SqlQuery("One", "SELECT 1"), CancellationToken.None));
        Assert.True(error.LoginRefused);
        Assert.Contains("'analyst'", error.Message);
        Assert.DoesNotContain("wrong-secret", error.Message);
    }
}

public sealed class ClickHouseServerOptionsTests
{
    [Fact]
    public void Options_never_print_the_password()
    {
        var options = new ClickHouseServerOptions { Host = "ch", User = "reader", Password = "s3cret" };
        Assert.Equal("http://reader@ch:8123/default", options.ToString());
        Assert.DoesNotContain("s3cret", options.Location);
    }
}
