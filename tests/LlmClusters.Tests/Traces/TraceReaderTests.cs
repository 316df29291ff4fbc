using System.Text.Json;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Core.Traces;

namespace LlmClusters.Tests.Traces;

[Collection(EngineCollectionDefinition.Name)]
public sealed class TraceReaderTests(EngineFixture engine)
{
    private sealed class CountingObserver : IQueryObserver
    {
        public List<string> Queries { get; } = [];
        public void QueryStarting(SqlQuery query, string location) => Queries.Add(query.Name);
        public void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows) { }
    }

    private static TraceRequest Request(DemoTraceLike t) => new(t.TraceId, t.Start.AddDays(-1), t.Start.AddDays(1));

    private sealed record DemoTraceLike(string TraceId, DateTime Start);

    [Fact]
    public async Task A_trace_comes_with_its_events_and_posthogs_totals()
    {
        var demo = engine.DemoData.Traces.First(t => t.Kind.Key == "travel-agent" && t.Events.Count >= 5);
        var observer = new CountingObserver();
        var reader = new TraceReader(engine.DemoConnection(), observer);

        var (traces, missing) = await reader.ReadAsync([Request(new(demo.TraceId, demo.Start))], CancellationToken.None);

        Assert.Empty(missing);
        var trace = Assert.Single(traces);
        Assert.Equal(demo.Events.Count, trace.EventCount);
        Assert.Equal(demo.Events.Count, trace.Events.Count);
        Assert.Equal("travel-agent", trace.TraceName);
        var priced = demo.Events.Where(e => e.Event is "$ai_generation" or "$ai_embedding").ToList();
        Assert.Equal(priced.Sum(e => e.Cost), trace.TotalCost, 9);
        Assert.Equal(demo.Events.Where(e => e.Event == "$ai_generation").Sum(e => e.Latency), trace.TotalLatency, 9);
        Assert.Equal(priced.Sum(e => e.InputTokens), trace.InputTokens);
        // The failing step and the root it is flagged on again are one failure.
        Assert.Equal(demo.Events.Any(e => e.IsError) ? 1 : 0, trace.ErrorCount);
        Assert.Equal(demo.Start, trace.StartTime);
        Assert.Equal(priced.Select(e => e.Model!).Distinct().Order(StringComparer.Ordinal), trace.Models);
        var generation = trace.Events.First(e => e.Event == "$ai_generation");
        Assert.StartsWith("system: You are a travel agent.", generation.Input);
        Assert.Contains("user: ", generation.Input);
        Assert.Equal(["TraceEvents"], observer.Queries);
    }

    [Fact]
    public async Task Trace_links_name_the_runs_project_when_the_events_name_none()
    {
        // Events imported without a team (0), clustered by a run of team 42: the link names 42, never project 0.
        var start = new DateTime(2026, 3, 1, 10, 0, 0, 250, DateTimeKind.Utc);
        var source = await new EventWriter(engine.NewTable("links"))
            .Add("$ai_generation", start, new Dictionary<string, object?> { ["$ai_trace_id"] = "T1", ["$ai_latency"] = 1 }, teamId: 0)
            .Add("$ai_trace_clusters", start.AddHours(2), new Dictionary<string, object?>
            {
                ["$ai_clustering_run_id"] = "42_trace_20260301_120000", ["$ai_clustering_level"] = "trace",
                ["$ai_window_start"] = "2026-03-01T09:00:00Z", ["$ai_window_end"] = "2026-03-01T12:00:00Z",
                ["$ai_clusters"] = new[] { new Dictionary<string, object?> { ["cluster_id"] = 0, ["size"] = 1, ["traces"] = new Dictionary<string, object> { ["T1"] = new { rank = 0 } } } },
            }, teamId: 0)
            .WriteAsync();
        var reader = new TraceReader(new LlmAnalyticsConnection(source));
        var expected = "https://us.posthog.com/project/42/llm-analytics/traces/T1?timestamp=2026-03-01T10%3A00%3A00.250Z";

        var listed = Assert.Single(await reader.ClusterTracesAsync(ClusterRunId.Parse("42_trace_20260301_120000"), 0, 5, CancellationToken.None));
        Assert.Equal(expected, listed.UiUrl);
        var (read, _) = await reader.ReadAsync([new TraceRequest("T1", start.AddHours(-1), start.AddHours(1), Team: 42)], CancellationToken.None);
        Assert.Equal(expected, Assert.Single(read).UiUrl);
        (read, _) = await reader.ReadAsync([new TraceRequest("T1", start.AddHours(-1), start.AddHours(1))], CancellationToken.None);
        Assert.Equal("https://us.posthog.com/llm-analytics/traces/T1?timestamp=2026-03-01T10%3A00%3A00.250Z", Assert.Single(read).UiUrl);
    }

    [Fact]
    public async Task Many_traces_take_a_constant_number_of_queries_and_missing_ones_are_named()
    {
        var demo = engine.DemoData.Traces.Take(250).ToList();
        var observer = new CountingObserver();
        var reader = new TraceReader(engine.DemoConnection(), observer);
        var requests = demo.Select(t => Request(new(t.TraceId, t.Start))).Append(new TraceRequest("no-such-trace", demo[0].Start.AddDays(-1), demo[0].Start.AddDays(1))).ToList();

        var (traces, missing) = await reader.ReadAsync(requests, CancellationToken.None);

        Assert.Equal(demo.Select(t => t.TraceId), traces.Select(t => t.TraceId));
        Assert.Equal("no-such-trace", Assert.Single(missing).TraceId);
        Assert.Equal((int)Math.Ceiling(251.0 / TraceReader.BatchSize), observer.Queries.Count);
    }

    [Fact]
    public async Task A_trace_outside_its_bounds_is_missing()
    {
        var demo = engine.DemoData.Traces[0];
        var (traces, missing) = await new TraceReader(engine.DemoConnection())
            .ReadAsync([new TraceRequest(demo.TraceId, demo.Start.AddDays(2), demo.Start.AddDays(3))], CancellationToken.None);
        Assert.Empty(traces);
        Assert.Single(missing);
    }

    [Fact]
    public async Task A_clusters_traces_are_listed_by_rank_with_the_same_totals()
    {
        var connection = engine.DemoConnection();
        var run = engine.DemoData.Runs.First(r => r.Level == ClusterLevel.trace && !r.IsLegacy);
        var cluster = run.Clusters[0];
        var observer = new CountingObserver();
        var reader = new TraceReader(connection, observer);

        var listed = await reader.ClusterTracesAsync(ClusterRunId.Parse(run.RunId), cluster.ClusterId, 5, CancellationToken.None);

        Assert.Equal(cluster.ItemKeys.Take(5), listed.Select(t => t.TraceId));
        Assert.Equal([0, 1, 2, 3, 4], listed.Select(t => t.Rank!.Value));
        Assert.All(listed, t => Assert.Empty(t.Events));
        Assert.Equal(["ClusterItems", "TraceTotals"], observer.Queries);
        var (whole, _) = await reader.ReadAsync(listed.Select(t => new TraceRequest(t.TraceId, run.WindowStart.AddMinutes(-10), run.WindowEnd.AddMinutes(10))).ToList(), CancellationToken.None);
        foreach (var (a, b) in listed.Zip(whole))
        {
            Assert.Equal(b.TotalCost, a.TotalCost, 9);
            Assert.Equal(b.TotalLatency, a.TotalLatency, 9);
            Assert.Equal(b.EventCount, a.EventCount);
            Assert.Equal(b.ErrorCount, a.ErrorCount);
            Assert.Equal(b.Models, a.Models);
            Assert.Equal(b.TraceName, a.TraceName);
        }
    }

    [Fact]
    public async Task Recent_traces_filter_by_model_and_errors()
    {
        var reader = new TraceReader(engine.DemoConnection());
        var end = EngineFixture.DemoEnd;

        var failing = await reader.RecentAsync(end.AddDays(-14), end, null, true, 1000, CancellationToken.None);
        Assert.Equal(engine.DemoData.Traces.Count(t => t.Events.Any(e => e.IsError)), failing.Count);
        Assert.All(failing, t => Assert.True(t.ErrorCount > 0));

        var haiku = await reader.RecentAsync(end.AddDays(-14), end, "claude-haiku-4-5", false, 5, CancellationToken.None);
        Assert.Equal(5, haiku.Count);
        Assert.All(haiku, t => Assert.Contains("claude-haiku-4-5", t.Models));
        Assert.Equal(haiku.OrderByDescending(t => t.StartTime).Select(t => t.TraceId), haiku.Select(t => t.TraceId));
    }

    [Fact]
    public async Task Odd_messages_do_not_fail_a_trace()
    {
        var at = new DateTime(2026, 4, 1, 10, 0, 0, DateTimeKind.Utc);
        var source = await new EventWriter(engine.NewTable("odd"))
            .Add("$ai_generation", at, new Dictionary<string, object?> { ["$ai_trace_id"] = "odd", ["$ai_input"] = 42, ["$ai_output_choices"] = "just text", ["$ai_error"] = new { code = 500 }, ["$ai_is_error"] = "TRUE" })
            .Add("$ai_generation", at.AddSeconds(1), "{\"$ai_trace_id\": \"odd\", \"$ai_input\": [{\"role\": \"user\", \"content\": [{\"type\": \"mystery\"}]}]}")
            .WriteAsync();

        var (traces, _) = await new TraceReader(new LlmAnalyticsConnection(source)).ReadAsync([new TraceRequest("odd", at.AddHours(-1), at.AddHours(1))], CancellationToken.None);

        var trace = Assert.Single(traces);
        Assert.Equal("42", trace.Events[0].Input);
        Assert.Equal("just text", trace.Events[0].Output);
        Assert.False(trace.Events[0].IsError);  // "TRUE" is not 'true', which PostHog compares with exactly
        Assert.Equal("user: {\"type\":\"mystery\"}", trace.Events[1].Input);  // an unknown part is shown as its JSON
    }

    private LlmAnalyticsConnection Connection(string source) => source switch
    {
        "ClickHouse" => engine.DemoConnectionOverClickHouse(),
        "PostHog" => engine.DemoConnectionOverPostHog(),
        _ => engine.DemoConnection(),
    };

    [Theory]
    [InlineData("Embedded")]
    [InlineData("ClickHouse")]
    [InlineData("PostHog")]
    public async Task Listed_traces_are_made_whole_as_by_id_in_one_statement_per_batch(string source)
    {
        using var connection = Connection(source);
        var end = EngineFixture.DemoEnd;
        var listed = await new TraceReader(connection).RecentAsync(end.AddDays(-14), end, null, true, 50, CancellationToken.None);
        Assert.Equal(50, listed.Count);
        Assert.All(listed, t => Assert.Empty(t.Events));
        var observer = new CountingObserver();

        var (whole, gone) = await new TraceReader(connection, observer).WithEventsAsync(listed, CancellationToken.None);

        Assert.Empty(gone);
        Assert.Equal(1, observer.Queries.Count(q => q == "TraceEvents"));
        var (byId, _) = await new TraceReader(connection).ReadAsync(listed.Select(t => Request(new(t.TraceId, t.StartTime!.Value))).ToList(), CancellationToken.None);
        Assert.Equal(JsonSerializer.Serialize(byId), JsonSerializer.Serialize(whole));
        Assert.All(whole, t => Assert.Equal(t.EventCount, t.Events.Count));
        Assert.All(whole, t => Assert.Contains(t.Events, e => e.IsError));
    }

    [Fact]
    public async Task Many_listed_traces_take_one_statement_per_batch_and_keep_their_order_and_cluster()
    {
        var connection = engine.DemoConnection();
        var end = EngineFixture.DemoEnd;
        var listed = (await new TraceReader(connection).RecentAsync(end.AddDays(-14), end, null, false, 450, CancellationToken.None))
            .Select((t, i) => t with { RunId = "1_trace_20260327_000000", ClusterId = 4, Rank = i }).ToList();
        var observer = new CountingObserver();
        var reader = new TraceReader(connection, observer);

        var whole = new List<LlmTrace>();
        foreach (var batch in listed.Chunk(TraceReader.BatchSize)) whole.AddRange((await reader.WithEventsAsync(batch, CancellationToken.None)).Traces);

        Assert.Equal((int)Math.Ceiling(450.0 / TraceReader.BatchSize), observer.Queries.Count(q => q == "TraceEvents"));
        Assert.Equal(listed.Select(t => t.TraceId), whole.Select(t => t.TraceId));
        Assert.Equal(Enumerable.Range(0, 450), whole.Select(t => t.Rank!.Value));
        Assert.All(whole, t => Assert.Equal(4, t.ClusterId));
        Assert.All(whole, t => Assert.Equal(t.EventCount, t.Events.Count));
    }

    [Fact]
    public async Task A_listed_trace_whose_events_are_gone_is_named_and_the_others_come_whole()
    {
        var at = new DateTime(2026, 4, 2, 10, 0, 0, DateTimeKind.Utc);
        var source = await new EventWriter(engine.NewTable("gone"))
            .Add("$ai_generation", at, new Dictionary<string, object?> { ["$ai_trace_id"] = "kept", ["$ai_model"] = "gpt-4o", ["$ai_is_error"] = true })
            .Add("$ai_generation", at.AddMinutes(1), new Dictionary<string, object?> { ["$ai_trace_id"] = "dropped", ["$ai_model"] = "gpt-4o", ["$ai_is_error"] = true })
            .WriteAsync();
        var connection = new LlmAnalyticsConnection(source);
        var listed = await new TraceReader(connection).RecentAsync(at.AddHours(-1), at.AddHours(1), null, true, 10, CancellationToken.None);
        Assert.Equal(["dropped", "kept"], listed.Select(t => t.TraceId));
        // Retention drops it after the listing.
        await source.QueryAsync(new SqlQuery("Drop", $"DELETE FROM {source.Table.Quoted} WHERE JSONExtractString(properties, '$ai_trace_id') = 'dropped'") { Writes = true },
            CancellationToken.None);

        var (whole, gone) = await new TraceReader(connection).WithEventsAsync(listed, CancellationToken.None);

        Assert.Equal("dropped", Assert.Single(gone).TraceId);
        var kept = Assert.Single(whole);
        Assert.Equal("kept", kept.TraceId);
        Assert.Single(kept.Events);
    }
}
