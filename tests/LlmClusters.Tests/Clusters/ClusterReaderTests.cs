using LlmClusters.Core.Clusters;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;

namespace LlmClusters.Tests.Clusters;

[Collection(EngineCollectionDefinition.Name)]
public sealed class ClusterReaderTests(EngineFixture engine)
{
    private static readonly DateTime End = EngineFixture.DemoEnd;

    private ClusterReader Reader(Uri? host = null)
    {
        _ = engine.DemoData;
        return new ClusterReader(engine.DemoConnection(host));
    }

    [Fact]
    public async Task Lists_every_run_newest_first_with_sizes_and_old_runs_read_as_trace()
    {
        var runs = await Reader().ListRunsAsync(new RunFilter { Since = End.AddDays(-30), Until = End.AddDays(1) }, CancellationToken.None);

        Assert.Equal(engine.DemoData.Runs.Count, runs.Count);
        Assert.Equal(runs.OrderByDescending(r => r.Timestamp).Select(r => r.RunId), runs.Select(r => r.RunId));
        foreach (var run in runs)
        {
            var demo = engine.DemoData.Runs.Single(d => d.RunId == run.RunId);
            Assert.Equal(demo.Level, run.Level);
            Assert.Equal(demo.WindowStart, run.WindowStart);
            Assert.Equal(demo.WindowEnd, run.WindowEnd);
            Assert.Equal(demo.Clusters.Count, run.ClusterCount);
            Assert.Equal(demo.Clusters.Sum(c => c.ItemKeys.Count), run.TotalItemsAnalyzed);
            Assert.Equal(demo.Clusters.Where(c => c.ClusterId == -1).Sum(c => c.ItemKeys.Count), run.NoiseSize);
            Assert.Equal(1, run.TeamId);
            Assert.Equal("https://us.posthog.com/project/1/llm-analytics/clusters/" + Uri.EscapeDataString(run.RunId), run.UiUrl);
        }
        var legacy = runs.Single(r => engine.DemoData.Runs.Single(d => d.RunId == r.RunId).IsLegacy);
        Assert.Equal(ClusterLevel.trace, legacy.Level);
        Assert.Null(legacy.Params);
        Assert.Null(legacy.JobName);
        Assert.Contains(runs, r => r.JobName == "Default - traces" && r.ClusteringMethod == "hdbscan" && r.VisualizationMethod == "umap");
    }

    [Fact]
    public async Task Filters_runs_by_level_job_name_wildcard_job_id_run_id_and_window()
    {
        var reader = Reader();
        var all = new RunFilter { Since = End.AddDays(-30), Until = End.AddDays(1) };

        var generation = await reader.ListRunsAsync(all with { Level = ClusterLevel.generation }, CancellationToken.None);
        Assert.All(generation, r => Assert.Equal(ClusterLevel.generation, r.Level));
        Assert.Single(generation);

        var defaults = await reader.ListRunsAsync(all with { JobName = "DEFAULT - t*" }, CancellationToken.None);
        Assert.Equal(2, defaults.Count);
        Assert.All(defaults, r => Assert.Equal("Default - traces", r.JobName));

        var byJob = await reader.ListRunsAsync(all with { JobIds = [defaults[0].JobId!] }, CancellationToken.None);
        Assert.Equal(defaults.Select(r => r.RunId), byJob.Select(r => r.RunId));

        var one = await reader.ListRunsAsync(all with { RunIds = [defaults[1].RunId] }, CancellationToken.None);
        Assert.Equal(defaults[1].RunId, Assert.Single(one).RunId);

        var none = await reader.ListRunsAsync(all with { Since = End.AddDays(2), Until = End.AddDays(3) }, CancellationToken.None);
        Assert.Empty(none);

        var first = await reader.ListRunsAsync(all with { First = 2 }, CancellationToken.None);
        Assert.Equal(2, first.Count);
    }

    [Fact]
    public async Task Reads_clusters_with_titles_sizes_noise_and_the_runs_own_metrics()
    {
        var demo = engine.DemoData.Runs.First(r => r.HasMetrics && r.Level == ClusterLevel.trace && r.Clusters.Any(c => c.ClusterId == -1));
        var read = await Reader(new Uri("https://eu.posthog.com")).ReadClustersAsync(ClusterRunId.Parse(demo.RunId), CancellationToken.None);

        Assert.Empty(read.Problems);
        Assert.Equal(demo.Clusters.Select(c => c.ClusterId), read.Clusters.Select(c => c.ClusterId));
        Assert.Equal(demo.Clusters.Select(c => (long)c.ItemKeys.Count), read.Clusters.Select(c => c.Size));
        var noise = read.Clusters[^1];
        Assert.True(noise.IsNoise);
        Assert.Equal("Outliers", noise.Title);
        var billing = read.Clusters.Single(c => c.Title.Contains("\"Where's my invoice?\""));
        Assert.Contains('\n', billing.Description!);
        Assert.Contains(read.Clusters, c => c.Title.Contains("翻訳"));
        // A trace-level run's own metrics are the workflow's, which PostHog's page does not show: they stay apart.
        Assert.All(read.Clusters, c => Assert.Equal(MetricsSource.None, c.MetricsSource));
        Assert.All(read.Clusters, c => Assert.Null(c.ErrorRate));
        Assert.All(read.Clusters, c => Assert.NotNull(c.StoredMetrics!.ErrorRate));
        Assert.All(read.Clusters, c => Assert.True(c.StoredMetrics!.ItemCount > 0));
        Assert.Equal($"https://eu.posthog.com/project/1/llm-analytics/clusters/{Uri.EscapeDataString(demo.RunId)}/{billing.ClusterId}", billing.UiUrl);
        Assert.Equal(demo.WindowStart, billing.WindowStart);
        Assert.Equal(read.Clusters.Count, read.Run.ClusterCount);
    }

    [Fact]
    public async Task Runs_without_metrics_have_none_and_legacy_runs_keep_default_titles()
    {
        var legacy = engine.DemoData.Runs.Single(r => r.IsLegacy);
        var read = await Reader().ReadClustersAsync(ClusterRunId.Parse(legacy.RunId), CancellationToken.None);

        Assert.All(read.Clusters, c => Assert.Null(c.ErrorRate));
        Assert.All(read.Clusters, c => Assert.Equal(MetricsSource.None, c.MetricsSource));
        Assert.Contains(read.Clusters, c => c.Title == $"Cluster {c.ClusterId}");
        Assert.All(read.Clusters, c => Assert.Equal(ClusterLevel.trace, c.Level));
    }

    [Fact]
    public async Task Reads_items_by_rank_with_links_for_both_levels()
    {
        var reader = Reader();
        var traceRun = engine.DemoData.Runs.First(r => r.Level == ClusterLevel.trace && !r.IsLegacy);
        var cluster = traceRun.Clusters[0];
        var items = await reader.ReadItemsAsync(ClusterRunId.Parse(traceRun.RunId), [cluster.ClusterId], 3, CancellationToken.None);

        Assert.Equal(cluster.ItemKeys.Take(3), items.Select(i => i.ItemId));
        Assert.Equal([0, 1, 2], items.Select(i => i.Rank!.Value));
        Assert.All(items, i => Assert.Equal(i.ItemId, i.TraceId));
        Assert.All(items, i => Assert.Null(i.GenerationId));
        Assert.All(items, i => Assert.InRange(i.Timestamp!.Value, traceRun.WindowStart, traceRun.WindowEnd));
        Assert.Equal($"https://us.posthog.com/project/1/llm-analytics/traces/{items[0].TraceId}?timestamp={Uri.EscapeDataString(PostHogLinks.Iso(items[0].Timestamp!.Value))}", items[0].UiUrl);

        var generationRun = engine.DemoData.Runs.Single(r => r.Level == ClusterLevel.generation);
        var generations = await reader.ReadItemsAsync(ClusterRunId.Parse(generationRun.RunId), null, 2, CancellationToken.None);
        Assert.Equal(generationRun.Clusters.Count * 2, generations.Count);
        Assert.All(generations, i => Assert.Equal(i.ItemId, i.GenerationId));
        Assert.All(generations, i => Assert.NotNull(i.TraceId));
        Assert.StartsWith($"https://us.posthog.com/project/1/llm-analytics/traces/{generations[0].TraceId}?event={generations[0].GenerationId}&timestamp=", generations[0].UiUrl);

        var all = await reader.ReadItemsAsync(ClusterRunId.Parse(traceRun.RunId), null, null, CancellationToken.None);
        Assert.Equal(traceRun.Clusters.Sum(c => c.ItemKeys.Count), all.Count);
        Assert.Equal(-1, all[^1].ClusterId);
    }

    [Fact]
    public async Task Old_runs_items_take_the_trace_id_from_their_key()
    {
        var legacy = engine.DemoData.Runs.Single(r => r.IsLegacy);
        var items = await Reader().ReadItemsAsync(ClusterRunId.Parse(legacy.RunId), null, 1, CancellationToken.None);
        Assert.All(items, i => Assert.Equal(i.ItemId, i.TraceId));
    }

    [Fact]
    public async Task An_unknown_run_is_not_found()
    {
        await Assert.ThrowsAsync<RunNotFoundException>(() => Reader().ReadClustersAsync(ClusterRunId.Parse("1_trace_20260328_120000"), CancellationToken.None));
    }

    [Fact]
    public async Task Jobs_are_inferred_from_run_events()
    {
        var jobs = await Reader().ListJobsAsync(End.AddDays(-30), End.AddDays(1), CancellationToken.None);

        Assert.Equal(4, jobs.Count);
        var traces = jobs.Single(j => j.Name == "Default - traces");
        Assert.Equal(2, traces.RunCount);
        Assert.Equal(ClusterLevel.trace, traces.Level);
        Assert.Equal(36, traces.Id.Length);
        Assert.Equal(engine.DemoData.Runs.Where(r => r.RunId.Contains(traces.Id)).MaxBy(r => r.Event.Timestamp)!.RunId, traces.LastRunId);
        Assert.Contains(jobs, j => j.Name == "Default - generations" && j.Level == ClusterLevel.generation);
        Assert.Contains(jobs, j => j.Name == "Default - evaluations" && j.Level == ClusterLevel.evaluation);
    }

    [Fact]
    public async Task Newest_run_is_found_per_level()
    {
        var reader = Reader();
        var newest = await reader.NewestRunAsync(null, End.AddHours(1), CancellationToken.None);
        Assert.Equal(engine.DemoData.Runs.MaxBy(r => r.Event.Timestamp)!.RunId, newest!.RunId);
        var generation = await reader.NewestRunAsync(ClusterLevel.generation, End.AddHours(1), CancellationToken.None);
        Assert.Equal(ClusterLevel.generation, generation!.Level);
        Assert.Equal(ClusterLevel.evaluation, (await reader.NewestRunAsync(ClusterLevel.evaluation, End.AddHours(1), CancellationToken.None))!.Level);
    }

    [Fact]
    public async Task A_run_read_twice_on_one_connection_is_read_from_its_event_once_until_the_connection_writes()
    {
        _ = engine.DemoData;
        var connection = engine.DemoConnection();
        var heard = new Heard();
        var reader = new ClusterReader(connection, heard);
        var id = ClusterRunId.Parse(engine.DemoData.Runs.First(r => !r.IsLegacy).RunId);

        var first = await reader.ReadClustersAsync(id, CancellationToken.None);
        var second = await new ClusterReader(connection, heard).ReadClustersAsync(id, CancellationToken.None);

        Assert.Equal(first.Clusters, second.Clusters);   // equal records, as read
        Assert.NotSame(first.Clusters[0], second.Clusters[0]);
        Assert.Equal(1, heard.Queries.Count(q => q == nameof(ClusterQueries.RunClusters)));
        Assert.Single(heard.Remembered, r => r.StartsWith(id.RunId, StringComparison.Ordinal));
        // Another connection has a memory of its own.
        await new ClusterReader(engine.DemoConnection(), heard).ReadClustersAsync(id, CancellationToken.None);
        Assert.Equal(2, heard.Queries.Count(q => q == nameof(ClusterQueries.RunClusters)));

        // Anything written through the connection (here: a write that adds nothing) makes it read the run again.
        await connection.CreateRunner(null).InsertJsonRowsAsync([], CancellationToken.None);
        var third = await new ClusterReader(connection, heard).ReadClustersAsync(id, CancellationToken.None);
        Assert.Equal(first.Clusters, third.Clusters);
        Assert.Equal(3, heard.Queries.Count(q => q == nameof(ClusterQueries.RunClusters)));
    }

    private sealed class Heard : Core.Sources.IQueryObserver
    {
        public List<string> Queries { get; } = [];
        public List<string> Remembered { get; } = [];
        public void QueryStarting(SqlQuery query, string location) => Queries.Add(query.Name);
        public void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows) { }
        void Core.Sources.IQueryObserver.Remembered(string what) => Remembered.Add(what);
    }
}
