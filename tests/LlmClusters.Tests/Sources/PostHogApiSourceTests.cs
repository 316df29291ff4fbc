using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Comparison;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Core.Traces;
using LlmClusters.PostHog;

namespace LlmClusters.Tests.Sources;

/// <summary>The PostHog source: HogQL over real HTTP to a loopback stand-in for PostHog's API, over the same demo data.</summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class PostHogApiSourceTests(EngineFixture engine)
{
    private static string Json(object value) => JsonSerializer.Serialize(value);
    private static readonly RunFilter AllRuns = new() { Since = EngineFixture.DemoEnd.AddDays(-30), Until = EngineFixture.DemoEnd.AddDays(1) };

    private List<PostHogApiEndpoint.RecordedRequest> RequestsDuring(Action act)
    {
        while (engine.PostHog.Requests.TryDequeue(out _)) { }
        act();
        return engine.PostHog.Requests.ToList();
    }

    private PostHogApiSource Source(string key = EngineFixture.PostHogKey, long project = EngineFixture.PostHogProject, int pageSize = 50_000, int retries = 4) =>
        new(new PostHogApiOptions
        {
            Host = engine.PostHog.Host, ProjectId = project, ApiKey = key, PageSize = pageSize, Retries = retries, RetryDelay = TimeSpan.FromMilliseconds(20),
        });

    [Fact]
    public async Task Runs_clusters_items_metrics_traces_and_comparisons_are_the_same_as_on_the_embedded_engine()
    {
        var local = engine.DemoConnection(engine.PostHog.Host);
        var remote = engine.DemoConnectionOverPostHog();

        var runs = await new ClusterReader(local).ListRunsAsync(AllRuns, CancellationToken.None);
        Assert.NotEmpty(runs);
        Assert.Equal(Json(runs), Json(await new ClusterReader(remote).ListRunsAsync(AllRuns, CancellationToken.None)));
        var largest = 0;
        foreach (var run in runs.Where(r => r.Level != ClusterLevel.evaluation))
        {
            var id = ClusterRunId.Parse(run.RunId);
            var clustersLocal = await new ClusterReader(local).ReadClustersAsync(id, CancellationToken.None);
            var clustersRemote = await new ClusterReader(remote).ReadClustersAsync(id, CancellationToken.None);
            Assert.Equal(Json(clustersLocal), Json(clustersRemote));
            var itemsLocal = await new ClusterReader(local).ReadItemsAsync(id, null, null, CancellationToken.None);
            Assert.Equal(Json(itemsLocal), Json(await new ClusterReader(remote).ReadItemsAsync(id, null, null, CancellationToken.None)));
            largest = Math.Max(largest, itemsLocal.Count);
            // With their summaries, read through HogQL (the map's raw JSON of the bullets) as from the store itself.
            var summarizedLocal = await new ClusterReader(local).ReadItemsAsync(id, null, null, CancellationToken.None, withSummaries: true);
            Assert.Equal(Json(summarizedLocal), Json(await new ClusterReader(remote).ReadItemsAsync(id, null, null, CancellationToken.None, withSummaries: true)));
            if (id.Level != ClusterLevel.evaluation) Assert.Contains(summarizedLocal, i => i.Summary is { Bullets.Count: > 0 });
            Assert.Equal(Json(await new ClusterReader(local).ReadItemsAsync(id, [clustersLocal.Clusters[0].ClusterId], 3, CancellationToken.None)),
                Json(await new ClusterReader(remote).ReadItemsAsync(id, [clustersLocal.Clusters[0].ClusterId], 3, CancellationToken.None)));
            foreach (var by in new[] { MetricsDimension.None, MetricsDimension.Model })
            {
                var metricsLocal = await new ClusterMetricsReader(local).MeasureAsync(clustersLocal, by, CancellationToken.None);
                var metricsRemote = await new ClusterMetricsReader(remote).MeasureAsync(clustersRemote, by, CancellationToken.None);
                Assert.Equal(Json(metricsLocal), Json(metricsRemote));
            }
            Assert.Equal(Json(await new ClusterMetricsReader(local).MeasureItemsAsync(clustersLocal, null, CancellationToken.None)),
                Json(await new ClusterMetricsReader(remote).MeasureItemsAsync(clustersRemote, null, CancellationToken.None)));
        }
        // HogQL stops at 100 rows without a LIMIT: the runs read here are larger, and came back whole.
        Assert.True(largest > 100, $"the largest run has {largest} items");

        var pair = runs.Where(r => r.Level == ClusterLevel.trace).Take(2).Select(r => ClusterRunId.Parse(r.RunId)).ToList();
        Assert.Equal(Json(await new RunComparer(local).CompareAsync(pair[1], pair[0], new ComparisonOptions(), CancellationToken.None)),
            Json(await new RunComparer(remote).CompareAsync(pair[1], pair[0], new ComparisonOptions(), CancellationToken.None)));

        var requests = engine.DemoData.Traces.Take(20).Select(t => new TraceRequest(t.TraceId, t.Start.AddDays(-1), t.Start.AddDays(1))).ToList();
        Assert.Equal(Json((await new TraceReader(local).ReadAsync(requests, CancellationToken.None)).Traces),
            Json((await new TraceReader(remote).ReadAsync(requests, CancellationToken.None)).Traces));
        Assert.Equal(Json(await new TraceReader(local).RecentAsync(AllRuns.Since, AllRuns.Until, null, true, 30, CancellationToken.None)),
            Json(await new TraceReader(remote).RecentAsync(AllRuns.Since, AllRuns.Until, null, true, 30, CancellationToken.None)));
    }

    [Fact]
    public async Task Queries_go_as_HogQL_with_the_key_in_the_header_and_every_value_bound()
    {
        var run = (await new ClusterReader(engine.DemoConnection()).ListRunsAsync(AllRuns, CancellationToken.None)).First(r => r.Level == ClusterLevel.trace);
        var sent = RequestsDuring(() => new ClusterReader(engine.DemoConnectionOverPostHog()).ReadClustersAsync(ClusterRunId.Parse(run.RunId), CancellationToken.None).GetAwaiter().GetResult());

        var request = Assert.Single(sent);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/api/projects/{EngineFixture.PostHogProject}/query/", request.PathAndQuery);
        Assert.Equal("Bearer " + EngineFixture.PostHogKey, request.Authorization);
        Assert.StartsWith("application/json", request.ContentType);
        var query = JsonNode.Parse(request.Body)!["query"]!;
        Assert.Equal("HogQLQuery", (string?)query["kind"]);
        var text = (string)query["query"]!;
        Assert.Equal(run.RunId, (string?)query["values"]!["run_id"]);
        Assert.DoesNotContain(run.RunId, text);
        Assert.Contains("{run_id}", text);
        Assert.Contains("toDateTime({day_start})", text);
        Assert.Contains("LIMIT {hogql_page_limit} OFFSET {hogql_page_offset}", text);
        Assert.Equal(HogQLTranslator.MaxPageSize, (int)query["values"]!["hogql_page_limit"]!);
    }

    [Fact]
    public async Task Results_larger_than_a_page_are_read_page_by_page()
    {
        var run = (await new ClusterReader(engine.DemoConnection()).ListRunsAsync(AllRuns, CancellationToken.None)).First(r => r.Level == ClusterLevel.trace);
        var id = ClusterRunId.Parse(run.RunId);
        var local = await new ClusterReader(engine.DemoConnection(engine.PostHog.Host)).ReadItemsAsync(id, null, null, CancellationToken.None);
        IReadOnlyList<ClusterItem> remote = [];
        var sent = RequestsDuring(() => remote = new ClusterReader(engine.DemoConnectionOverPostHog(pageSize: 40)).ReadItemsAsync(id, null, null, CancellationToken.None).GetAwaiter().GetResult());

        Assert.Equal(Json(local), Json(remote));
        var offsets = sent.Select(r => (long)JsonNode.Parse(r.Body)!["query"]!["values"]!["hogql_page_offset"]!).ToList();
        Assert.Equal(Enumerable.Range(0, local.Count / 40 + 1).Select(i => i * 40L), offsets);
    }

    [Fact]
    public void A_page_is_asked_for_only_once_the_rows_before_it_are_taken()
    {
        using var source = Source(pageSize: 40);
        var taken = new List<ResultRow>();
        var sent = RequestsDuring(() =>
        {
            var rows = source.ReadAsync(new SqlQuery("Numbers", "SELECT number FROM numbers(1000)"), CancellationToken.None).GetAsyncEnumerator();
            try
            {
                while (taken.Count < 50 && rows.MoveNextAsync().AsTask().GetAwaiter().GetResult()) taken.Add(rows.Current);
            }
            finally
            {
                rows.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        });

        Assert.Equal(Enumerable.Range(0, 50).Select(i => (long)i), taken.Select(r => Convert.ToInt64(r.Values[0])));
        Assert.Equal(2, sent.Count(r => r.Method == "POST"));
    }

    [Fact]
    public async Task A_rate_limit_is_waited_out_as_Retry_After_says()
    {
        using var source = Source();
        engine.PostHog.Inject(429, count: 2, retryAfterSeconds: 1);
        var clock = Stopwatch.StartNew();
        List<PostHogApiEndpoint.RecordedRequest> sent = [];
        QueryResult? result = null;
        sent = RequestsDuring(() => result = source.QueryAsync(new SqlQuery("One", "SELECT 1 AS one"), CancellationToken.None).GetAwaiter().GetResult());
        Assert.Equal(1, Convert.ToInt32(result!.Rows[0][0]));
        Assert.Equal(3, sent.Count);
        // Two waits of the second PostHog asked for, not the 20 ms backoff the source was given.
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(1.9), $"waited {clock.Elapsed}");
    }

    [Fact]
    public async Task A_rate_limit_longer_than_worth_waiting_is_reported_at_once()
    {
        using var source = Source();
        engine.PostHog.Inject(429, retryAfterSeconds: 3600);
        var error = await Assert.ThrowsAsync<SourceUnreachableException>(() => source.QueryAsync(new SqlQuery("One", "SELECT 1 AS one"), CancellationToken.None));
        Assert.Contains("429", error.Message);
        Assert.Contains("3600 s", error.Message);
        Assert.False(error.LoginRefused);
    }

    [Fact]
    public async Task Server_errors_are_retried_a_bounded_number_of_times()
    {
        using var source = Source(retries: 2);
        engine.PostHog.Inject(503, count: 2);
        var result = await source.QueryAsync(new SqlQuery("One", "SELECT 1 AS one"), CancellationToken.None);
        Assert.Equal(1, Convert.ToInt32(result.Rows[0][0]));

        engine.PostHog.Inject(502, count: 3);
        var sent = RequestsDuring(() => Assert.ThrowsAsync<SourceUnreachableException>(() => source.QueryAsync(new SqlQuery("One", "SELECT 1 AS one"), CancellationToken.None)).GetAwaiter().GetResult());
        Assert.Equal(3, sent.Count);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_without_being_repeated()
    {
        using var source = Source(key: "phx_wrong_key_abcdef");
        var error = await Assert.ThrowsAsync<SourceUnreachableException>(() => source.QueryAsync(new SqlQuery("One", "SELECT 1 AS one"), CancellationToken.None));
        Assert.True(error.LoginRefused);
        Assert.Contains("POSTHOG_PERSONAL_API_KEY", error.Message);
        Assert.DoesNotContain("phx_wrong_key_abcdef", error.Message);
        Assert.DoesNotContain("phx_wrong_key_abcdef", source.Location);
    }

    [Fact]
    public async Task A_missing_scope_is_named()
    {
        using var noQuery = Source(key: "phx_only_llm_analytics");
        var error = await Assert.ThrowsAsync<SourceUnreachableException>(() => noQuery.QueryAsync(new SqlQuery("One", "SELECT 1 AS one"), CancellationToken.None));
        Assert.True(error.LoginRefused);
        Assert.Contains("query:read", error.Message);

        using var noJobs = Source(key: "phx_only_query");
        error = await Assert.ThrowsAsync<SourceUnreachableException>(() => noJobs.ListJobsAsync(CancellationToken.None));
        Assert.Contains("llm_analytics:read", error.Message);
    }

    private sealed class Notices : IQueryObserver
    {
        public List<string> Messages { get; } = [];
        public void QueryStarting(SqlQuery query, string location) { }
        public void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows) { }
        public void Notice(string message) => Messages.Add(message);
    }

    [Fact]
    public async Task An_older_PostHog_that_keeps_jobs_internal_is_named_and_the_jobs_come_from_the_runs()
    {
        using var older = engine.NewPostHog(jobsInternal: true);
        using var connection = new LlmAnalyticsConnection(new PostHogApiSource(new PostHogApiOptions
        {
            Host = older.Host, ProjectId = EngineFixture.PostHogProject, ApiKey = EngineFixture.PostHogKey, RetryDelay = TimeSpan.FromMilliseconds(20),
        }), postHogHost: older.Host);
        var notices = new Notices();

        var jobs = await new ClusterReader(connection, notices).ListJobsAsync(AllRuns.Since, AllRuns.Until, CancellationToken.None);

        var seen = await new ClusterReader(engine.DemoConnection()).ListJobsAsync(AllRuns.Since, AllRuns.Until, CancellationToken.None);
        Assert.Equal(seen.Select(j => (j.Id, j.RunCount)), jobs.Select(j => (j.Id, j.RunCount)));
        var notice = Assert.Single(notices.Messages);
        Assert.Contains("does not let personal API keys read clustering jobs", notice);
        Assert.DoesNotContain("scope llm_analytics:read", notice);
        Assert.DoesNotContain(EngineFixture.PostHogKey, notice);
    }

    [Fact]
    public async Task An_unknown_project_says_which()
    {
        using var source = Source(project: 424242);
        var error = await Assert.ThrowsAsync<ProjectNotFoundException>(() => source.QueryAsync(new SqlQuery("One", "SELECT 1 AS one"), CancellationToken.None));
        Assert.Contains("424242", error.Message);
        Assert.Contains("-ProjectId", error.Message);
    }

    [Fact]
    public async Task A_refused_query_shows_PostHogs_detail()
    {
        using var source = Source();
        var error = await Assert.ThrowsAsync<AnalyticsQueryException>(() => source.QueryAsync(new SqlQuery("NotHogQL", "SELECT uniqExactArray([1, 2]) AS n"), CancellationToken.None));
        Assert.Equal("NotHogQL", error.QueryName);
        Assert.Contains("Unsupported function call 'uniqExactArray(...)'", error.Message);
    }

    [Fact]
    public async Task Jobs_come_from_the_jobs_endpoint_page_by_page_with_their_runs()
    {
        var expected = engine.PostHog.AllJobs();
        Assert.True(expected.Count > engine.PostHog.JobsPageSize);
        IReadOnlyList<ClusteringJob> jobs = [];
        var sent = RequestsDuring(() => jobs = new ClusterReader(engine.DemoConnectionOverPostHog()).ListJobsAsync(AllRuns.Since, AllRuns.Until, CancellationToken.None).GetAwaiter().GetResult());

        Assert.Equal(expected.Select(j => (string)j["id"]!).Order(), jobs.Select(j => j.Id).Order());
        Assert.Equal((expected.Count + engine.PostHog.JobsPageSize - 1) / engine.PostHog.JobsPageSize, sent.Count(r => r.Method == "GET"));
        Assert.All(sent, r => Assert.Equal("Bearer " + EngineFixture.PostHogKey, r.Authorization));
        var ran = jobs.Where(j => j.RunCount > 0).ToList();
        Assert.NotEmpty(ran);
        Assert.All(ran, j => Assert.True(j.Enabled));
        Assert.All(ran, j => Assert.Contains("$ai_model", j.EventFilters));
        Assert.All(ran, j => Assert.NotNull(j.LastRunId));
        var idle = Assert.Single(jobs, j => j.RunCount == 0);
        Assert.False(idle.Enabled);
        Assert.Equal(ClusterLevel.evaluation, idle.Level);
        Assert.Equal(new DateTime(2026, 1, 5, 9, 0, 0, DateTimeKind.Utc), idle.CreatedAt);
    }

    [Fact]
    public async Task Cancelling_a_query_cancels_it_in_PostHog_too()
    {
        using var source = Source();
        using var stop = new CancellationTokenSource();
        List<PostHogApiEndpoint.RecordedRequest> sent = [];
        engine.PostHog.DelayQueries(TimeSpan.FromSeconds(3));
        try
        {
            sent = RequestsDuring(() =>
            {
                stop.CancelAfter(TimeSpan.FromMilliseconds(300));
                Assert.ThrowsAnyAsync<OperationCanceledException>(() => source.QueryAsync(new SqlQuery("Slow", "SELECT 1 AS one"), stop.Token)).GetAwaiter().GetResult();
            });
        }
        finally
        {
            engine.PostHog.DelayQueries(TimeSpan.Zero);
        }
        var queryId = (string)JsonNode.Parse(sent.Single(r => r.Method == "POST").Body)!["client_query_id"]!;
        var cancel = Assert.Single(sent, r => r.Method == "DELETE");
        Assert.Equal($"/api/projects/{EngineFixture.PostHogProject}/query/{queryId}/", cancel.PathAndQuery);
        Assert.Equal("Bearer " + EngineFixture.PostHogKey, cancel.Authorization);
    }

    [Fact]
    public async Task The_source_never_writes()
    {
        using var source = Source();
        await Assert.ThrowsAsync<ReadOnlySourceException>(() => source.InsertJsonRowsAsync(["{}"], CancellationToken.None));
        await Assert.ThrowsAsync<ReadOnlySourceException>(() => source.QueryAsync(EventQueries.CreateEventsTable(EventsTable.Default), CancellationToken.None));
    }

    [Fact]
    public void Options_never_print_the_key()
    {
        var options = new PostHogApiOptions { ProjectId = 7, ApiKey = "phx_secret" };
        Assert.Equal("https://us.posthog.com/project/7", options.ToString());
        Assert.DoesNotContain("phx_secret", options.Location);
    }
}
