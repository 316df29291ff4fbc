using System.Text.Json;
using LlmClusters.Core.Clustering;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Embeddings;

namespace LlmClusters.Tests.Clustering;

/// <summary>Invoke-LlmClustering's core on demo data whose kinds of traffic are known, with the real MiniLM model.</summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class LocalClustererTests(EngineFixture engine, LocalClustererTests.Model model) : IClassFixture<LocalClustererTests.Model>
{
    public sealed class Model : IDisposable
    {
        public MiniLMEmbedder Embedder { get; } = new();
        public void Dispose() => Embedder.Dispose();
    }

    // Words of each demo kind that a title naming it should hold.
    private static readonly Dictionary<string, string[]> KindWords = new()
    {
        ["billing"] = ["support-chat", "refund", "invoice", "billing", "charged", "lookup_customer", "plan"],
        ["code-review"] = ["code-review", "diff", "review", "fetch_diff", "run_linter"],
        ["text-to-sql"] = ["text-to-sql", "sql", "load_schema", "validate_sql", "select"],
        ["docs-qa"] = ["docs-qa", "sdk", "retrieve_chunks", "rerank", "configure", "documentation"],
        ["auth"] = ["auth-helper", "sso", "password", "login", "check_account_status", "reset"],
        ["translation"] = ["translate-ui", "translate", "german", "japanese", "french", "spanish"],
        ["travel-agent"] = ["travel-agent", "flight", "hotel", "search_flights", "search_hotels", "book"],
    };

    private static readonly DateTime Until = EngineFixture.DemoEnd;

    // By content unless a test asks for PostHog's summaries: what the kinds of traffic are recovered from.
    private static ClusteringOptions Options(ClusteringMethod method, int samples, ClusterLevel level = ClusterLevel.trace) => new()
    {
        Level = level, Since = Until.AddDays(-10), Until = Until, MaxSamples = samples, Method = method, Seed = 7, Text = ItemTextSource.Content,
    };

    private async Task<(LocalClusteringResult Result, RunClusters Run, LlmAnalyticsConnection Target)> ClusterAsync(
        ClusteringOptions options, LlmAnalyticsConnection? source = null, ITextEmbedder? embedder = null)
    {
        var target = new LlmAnalyticsConnection(engine.NewTable("local_runs"));
        var runner = target.CreateRunner(null);
        await runner.EnsureEventsTableAsync(CancellationToken.None);
        var result = await new LocalClusterer(source ?? engine.DemoConnection(), runner, embedder ?? model.Embedder).RunAsync(options, null, CancellationToken.None);
        var run = await new ClusterReader(target).ReadClustersAsync(ClusterRunId.Parse(result.RunId), CancellationToken.None);
        return (result, run, target);
    }

    private Dictionary<string, string> KindOfTrace() => engine.DemoData.Traces.ToDictionary(t => t.TraceId, t => t.Kind.Key);

    private static void AssertRecoversTheKinds(RunClusters run, IReadOnlyList<ClusterItem> items, Func<ClusterItem, string> kindOf)
    {
        var labels = items.Select(i => i.ClusterId).ToList();
        var kinds = items.Select(kindOf).ToList();
        var ari = AdjustedRandIndex.Of(labels, kinds);
        Assert.True(ari >= 0.8, $"adjusted Rand index {ari:F3}");
        foreach (var cluster in run.Clusters.Where(c => !c.IsNoise))
        {
            var kind = items.Where(i => i.ClusterId == cluster.ClusterId).GroupBy(kindOf).MaxBy(g => g.Count())!.Key;
            Assert.True(KindWords[kind].Any(w => cluster.Title.Contains(w, StringComparison.OrdinalIgnoreCase)), $"'{cluster.Title}' does not name {kind}: " +
                string.Join("; ", run.Clusters.Select(c => c.Title + " = " + string.Join(",", items.Where(i => i.ClusterId == c.ClusterId).GroupBy(kindOf).Select(g => g.Key + ":" + g.Count())))));
        }
    }

    [Fact]
    public async Task Hdbscan_by_default_sizes_its_smallest_cluster_as_PostHog_does_and_keeps_each_cluster_to_one_kind()
    {
        var (result, run, target) = await ClusterAsync(Options(ClusteringMethod.hdbscan, 700));

        // PostHog's workflow (clustering.py): min(n, max(5, int(n * 0.02))), and min_samples no larger.
        using var used = JsonDocument.Parse(run.Run.Params!.ClusteringMethodParams!);
        Assert.Equal("14", used.RootElement.GetProperty("min_cluster_size").ToString());
        Assert.Equal("5", used.RootElement.GetProperty("min_samples").ToString());
        Assert.Equal("0.02", used.RootElement.GetProperty("min_cluster_size_fraction").ToString());
        var items = await new ClusterReader(target).ReadItemsAsync(ClusterRunId.Parse(result.RunId), null, null, CancellationToken.None);
        var kindOf = KindOfTrace();
        // The 2% floor finds the kinds' sub-kinds (refunds apart from invoices): finer clusters, each of one kind.
        foreach (var cluster in items.Where(i => i.ClusterId >= 0).GroupBy(i => i.ClusterId))
        {
            var kinds = cluster.GroupBy(i => kindOf[i.TraceId!]).Select(g => g.Count()).OrderDescending().ToList();
            Assert.True(kinds[0] >= 0.9 * cluster.Count(), $"cluster {cluster.Key} mixes kinds: {string.Join(", ", kinds)}");
        }
        Assert.True(run.Clusters.Count(c => !c.IsNoise) >= KindWords.Count);

        // As PostHog writes a run: the noise cluster sits at the mean of its items, the event's distinct id names level and team.
        var noise = Assert.Single(run.Clusters, c => c.IsNoise);
        var outliers = items.Where(i => i.ClusterId == -1).ToList();
        Assert.Equal(outliers.Average(i => i.X!.Value), noise.CentroidX!.Value, tolerance: 1e-3);
        Assert.Equal(outliers.Average(i => i.Y!.Value), noise.CentroidY!.Value, tolerance: 1e-3);
        using var row = JsonDocument.Parse(result.EventRow);
        Assert.Equal("clustering_trace_1", row.RootElement.GetProperty("distinct_id").GetString());
    }

    [Theory]
    [InlineData("2026-03-28T12:00:30Z", "2026-03-28T12:00:30Z")] // written as the run ends
    [InlineData("2026-03-28T11:00:00Z", "2026-03-28T12:00:00Z")] // never before the window's end
    [InlineData("2026-03-30T08:00:00Z", "2026-03-28T23:59:59.999999Z")] // never after the id's day
    public void The_run_event_is_written_within_the_day_its_id_names(string now, string expected)
    {
        var at = LocalClusterer.WrittenAt(DateTime.Parse(now, null, System.Globalization.DateTimeStyles.AdjustToUniversal), ClusterRunId.Parse("1_trace_20260328_120000_local"));
        Assert.Equal(DateTime.Parse(expected, null, System.Globalization.DateTimeStyles.AdjustToUniversal), at);
        Assert.Equal(DateTimeKind.Utc, at.Kind);
    }

    [Fact]
    public async Task Hdbscan_recovers_the_kinds_of_traffic_and_names_them()
    {
        var (result, run, target) = await ClusterAsync(Options(ClusteringMethod.hdbscan, 700) with { MinClusterSizeFraction = 0.05 });
        Assert.Equal(700, result.ItemCount);
        Assert.Equal("hdbscan", run.Run.ClusteringMethod);
        Assert.Equal("pca", run.Run.Params!.DimensionalityReductionMethod);
        Assert.Equal("sentence-transformers/all-MiniLM-L6-v2", run.Run.Params.EmbeddingModel);
        Assert.Equal(7, run.Run.Params.Seed);
        Assert.EndsWith("_local", run.Run.RunId);
        var items = await new ClusterReader(target).ReadItemsAsync(ClusterRunId.Parse(run.Run.RunId), null, null, CancellationToken.None);
        Assert.Equal(700, items.Count);
        var kindOf = KindOfTrace();
        AssertRecoversTheKinds(run, items, i => kindOf[i.TraceId!]);
        foreach (var group in items.GroupBy(i => i.ClusterId)) Assert.Equal(Enumerable.Range(0, group.Count()), group.Select(i => i.Rank!.Value));
    }

    [Fact]
    public async Task Kmeans_chooses_k_by_silhouette_and_recovers_the_kinds()
    {
        var (_, run, target) = await ClusterAsync(Options(ClusteringMethod.kmeans, 500) with { MinK = 3, MaxK = 10 });
        Assert.Equal("kmeans", run.Run.ClusteringMethod);
        Assert.DoesNotContain(run.Clusters, c => c.IsNoise);
        Assert.Contains("\"silhouette\"", run.Run.Params!.ClusteringMethodParams);
        var items = await new ClusterReader(target).ReadItemsAsync(ClusterRunId.Parse(run.Run.RunId), null, null, CancellationToken.None);
        var kindOf = KindOfTrace();
        AssertRecoversTheKinds(run, items, i => kindOf[i.TraceId!]);
    }

    [Fact]
    public async Task The_same_data_parameters_and_seed_give_the_same_run()
    {
        var options = Options(ClusteringMethod.hdbscan, 300);
        var first = await ClusterAsync(options);
        using var fresh = new MiniLMEmbedder();
        var second = await ClusterAsync(options, embedder: fresh);
        Assert.Equal(JsonSerializer.Serialize(first.Run.Clusters), JsonSerializer.Serialize(second.Run.Clusters));
        var items = async (LlmAnalyticsConnection c, string id) => await new ClusterReader(c).ReadItemsAsync(ClusterRunId.Parse(id), null, null, CancellationToken.None);
        Assert.Equal(JsonSerializer.Serialize(await items(first.Target, first.Result.RunId)), JsonSerializer.Serialize(await items(second.Target, second.Result.RunId)));
    }

    [Fact]
    public async Task The_run_carries_the_metrics_the_metrics_query_gives()
    {
        // In parts of 64 items, so that the sums and means of several metrics queries are combined.
        var (result, run, _) = await ClusterAsync(Options(ClusteringMethod.kmeans, 200) with { K = 7, MembersPerQuery = 64 });
        // The events are in the demo table, the run in its own: measure the run over the demo's events.
        var demo = engine.DemoConnection();
        await new QueryRunner(engine.DemoConnection().CreateRunner(null).Source).InsertJsonRowsAsync([result.EventRow], CancellationToken.None);
        try
        {
            // A run stores what PostHog's clustering workflow stores: its definitions, not the page's.
            var measured = await new ClusterMetricsReader(demo).MeasureAsync(run, MetricsDimension.None, CancellationToken.None, MetricsDefinition.Workflow);
            foreach (var cluster in run.Clusters)
            {
                var m = measured.Single(x => x.ClusterId == cluster.ClusterId);
                var stored = cluster.StoredMetrics!;
                Assert.Equal(m.ItemCount, stored.ItemCount);
                Assert.Equal(m.ErrorCount, stored.ErrorCount);
                Assert.Equal(m.ErrorRate ?? 0, stored.ErrorRate ?? 0, tolerance: 1e-6); // runs store 6 decimals
                Assert.Equal(m.TotalCost ?? 0, stored.TotalCost ?? 0, tolerance: 1e-7);
                Assert.Equal(m.AvgLatency ?? 0, stored.AvgLatency ?? 0, tolerance: 1e-7);
                Assert.Equal(m.AvgCost ?? 0, stored.AvgCost ?? 0, tolerance: 1e-8); // runs store 8 decimals
                Assert.Equal(m.AvgTokens ?? 0, stored.AvgTokens ?? 0, tolerance: 1e-6);
            }
        }
        finally
        {
            await engine.DemoConnection().CreateRunner(null).QueryAsync(new SqlQuery("Cleanup",
                $"DELETE FROM {engine.DemoConnection().CreateRunner(null).Source.Table.Quoted} WHERE event = '$ai_trace_clusters' AND position(properties, {{run:String}}) > 0",
                new Dictionary<string, object?> { ["run"] = result.RunId }), CancellationToken.None);
        }
    }

    [Fact]
    public async Task Generations_are_clustered_by_their_own_messages()
    {
        var (result, run, target) = await ClusterAsync(Options(ClusteringMethod.kmeans, 400, level: ClusterLevel.generation) with { MinK = 4, MaxK = 9 });
        Assert.Equal(ClusterLevel.generation, run.Run.Level);
        var items = await new ClusterReader(target).ReadItemsAsync(ClusterRunId.Parse(result.RunId), null, null, CancellationToken.None);
        Assert.All(items, i => Assert.Equal(i.ItemId, i.GenerationId));
        var kindOf = KindOfTrace();
        Assert.True(AdjustedRandIndex.Of(items.Select(i => i.ClusterId).ToList(), items.Select(i => kindOf[i.TraceId!]).ToList()) >= 0.6);
    }

    [Fact]
    public async Task A_property_filter_and_a_trace_filter_narrow_the_items()
    {
        var kindOf = KindOfTrace();
        var (_, run, target) = await ClusterAsync(Options(ClusteringMethod.kmeans, 150) with
        {
            K = 2,
            PropertyFilter = [new("$ai_trace_name", "travel-agent")],
        });
        var items = await new ClusterReader(target).ReadItemsAsync(ClusterRunId.Parse(run.Run.RunId), null, null, CancellationToken.None);
        Assert.All(items, i => Assert.Equal("travel-agent", kindOf[i.TraceId!]));

        (_, run, target) = await ClusterAsync(Options(ClusteringMethod.kmeans, 100) with { K = 2, TraceFilter = t => t.TraceName == "docs-qa" });
        items = await new ClusterReader(target).ReadItemsAsync(ClusterRunId.Parse(run.Run.RunId), null, null, CancellationToken.None);
        Assert.Equal(100, items.Count);
        Assert.All(items, i => Assert.Equal("docs-qa", kindOf[i.TraceId!]));
    }

    [Fact]
    public async Task An_empty_window_says_what_to_widen()
    {
        var error = await Assert.ThrowsAsync<NothingToClusterException>(() => ClusterAsync(Options(ClusteringMethod.hdbscan, 100) with
        {
            Since = Until.AddYears(-3), Until = Until.AddYears(-2),
        }));
        Assert.Contains("-Since", error.Message);
    }

    [Fact]
    public async Task Traces_with_summaries_are_clustered_by_their_summaries_and_named_from_their_titles()
    {
        var (result, run, target) = await ClusterAsync(Options(ClusteringMethod.hdbscan, 300) with { Text = ItemTextSource.Auto, MinClusterSizeFraction = 0.05 });

        Assert.True(result.EmbeddedSummaries);
        using var properties = JsonDocument.Parse(JsonDocument.Parse(result.EventRow).RootElement.GetProperty("properties").GetString()!);
        Assert.Equal("PostHog's summary: title, flow, bullets, notes", properties.RootElement.GetProperty("$ai_clustering_params").GetProperty("text_representation").GetString());
        // Only the summarized traces of the sample are clustered, as PostHog's clustering embeds summaries only.
        var items = await new ClusterReader(target).ReadItemsAsync(ClusterRunId.Parse(result.RunId), null, null, CancellationToken.None);
        var summarized = engine.DemoData.Traces.Where(t => t.SummaryTitle is not null).ToDictionary(t => t.TraceId);
        Assert.All(items, i => Assert.True(summarized.ContainsKey(i.TraceId!), $"{i.TraceId} has no summary"));
        Assert.InRange(result.ItemCount, 140, 230);
        var kindOf = KindOfTrace();
        AssertRecoversTheKinds(run, items, i => kindOf[i.TraceId!]);
        // Every word of a title comes from the summary titles of its cluster's items.
        foreach (var cluster in run.Clusters.Where(c => !c.IsNoise))
        {
            var titles = string.Join(" ", items.Where(i => i.ClusterId == cluster.ClusterId).Select(i => summarized[i.TraceId!].SummaryTitle)).ToLowerInvariant();
            Assert.All(ClusterTerms.Words(cluster.Title), w => Assert.Contains(w, titles));
            Assert.Contains(summarized[items.First(i => i.ClusterId == cluster.ClusterId && i.Rank == 0).TraceId!].SummaryTitle!, cluster.Description);
        }

        // Asked for content, every sampled trace is clustered by what it says, as before.
        var (content, _, _) = await ClusterAsync(Options(ClusteringMethod.kmeans, 100) with { K = 3 });
        Assert.False(content.EmbeddedSummaries);
        Assert.Equal(100, content.ItemCount);
    }

    [Fact]
    public void A_summary_is_embedded_in_PostHogs_format()
    {
        var summary = TraceSummary.From("Refund request", "User -> Agent", """[{"text": "Asks for a refund"}, {"text": "Gets one"}]""", """[{"text": "Polite"}]""", null);
        Assert.Equal("Title: Refund request\n\nFlow:\nUser -> Agent\n\nSummary:\n- Asks for a refund\n- Gets one\n\nInteresting Notes:\n- Polite", ItemText.ForSummary(summary));
        Assert.Equal("Title: Only a title", ItemText.ForSummary(TraceSummary.From("Only a title", null, null, "[]", null)));
        Assert.Equal("Evaluation: Helpfulness\nVerdict: fail\nReasoning: Missed the question.", ItemText.ForEvaluation("Helpfulness", "fail", " Missed the question. "));
    }

    [Fact]
    public async Task Evaluations_are_clustered_by_evaluator_verdict_and_reasoning_and_measured_as_PostHog_stores_them()
    {
        var (result, run, target) = await ClusterAsync(Options(ClusteringMethod.hdbscan, 300, ClusterLevel.evaluation) with { MinClusterSizeFraction = 0.05 });
        // The run's table gets the evaluations and generations it was made from, so that its items can be read back.
        await target.CreateRunner(null).InsertJsonRowsAsync(engine.DemoData.Traces.SelectMany(t => t.EvaluationRows
            .Concat(t.Events.Where(e => e.Event == "$ai_generation").Select(e => e.JsonRow))).ToList(), CancellationToken.None);

        Assert.Equal(ClusterLevel.evaluation, run.Run.Level);
        Assert.Contains("_evaluation_", result.RunId);
        var written = engine.DemoData.Traces.SelectMany(t => t.Evaluations.Select(e => (Trace: t, Evaluation: e)))
            .Where(p => p.Evaluation.Timestamp >= Until.AddDays(-10) && p.Evaluation.Timestamp < Until).ToDictionary(p => p.Evaluation.Uuid.ToString("D"));
        Assert.Equal(Math.Min(300, written.Count), result.ItemCount);
        var items = await new ClusterReader(target).ReadItemsAsync(ClusterRunId.Parse(result.RunId), null, null, CancellationToken.None);
        Assert.All(items, i =>
        {
            Assert.Equal(written[i.ItemId].Evaluation.GenerationUuid.ToString("D"), i.GenerationId);
            Assert.Equal(written[i.ItemId].Trace.TraceId, i.TraceId);
            Assert.Equal(written[i.ItemId].Evaluation.Verdict, i.Verdict);
        });
        // Each cluster holds one evaluator's evaluations (their texts differ most), and its title names the verdict most of
        // them gave when most gave one (a judge's n/a and its fails on failed calls read alike, so they may share a cluster).
        foreach (var cluster in run.Clusters.Where(c => !c.IsNoise))
        {
            var mine = items.Where(i => i.ClusterId == cluster.ClusterId).ToList();
            var evaluator = mine.GroupBy(i => i.EvaluationName).MaxBy(g => g.Count())!;
            Assert.True(evaluator.Count() >= 0.9 * mine.Count, $"cluster {cluster.ClusterId} mixes evaluators: " +
                string.Join("; ", mine.GroupBy(i => $"{i.EvaluationName}: {i.Verdict}").Select(g => $"{g.Key} {g.Count()}")));
            var common = mine.GroupBy(i => $"{i.EvaluationName}: {i.Verdict}").MaxBy(g => g.Count())!;
            if (common.Count() * 2 >= mine.Count) Assert.StartsWith(common.Key, cluster.Title);
        }
        Assert.Contains(run.Clusters, c => c.Title.StartsWith("No PII in answer: ", StringComparison.Ordinal));
        // The figures written on the run are those Measure-ClusterMetrics computes from the events.
        var measured = (await new ClusterMetricsReader(target).MeasureAsync(run, MetricsDimension.None, CancellationToken.None)).ToDictionary(m => m.ClusterId);
        Assert.All(run.Clusters, c =>
        {
            Assert.Equal(c.ItemCount, measured[c.ClusterId].ItemCount);
            Assert.Equal(c.PassRate, measured[c.ClusterId].PassRate is { } p ? Math.Round(p, 8) : null);
            Assert.Equal(c.DominantEvaluationName, measured[c.ClusterId].DominantEvaluationName);
        });
    }

    [Fact]
    public async Task The_same_run_comes_from_the_ClickHouse_and_PostHog_sources()
    {
        foreach (var summaries in new[] { Options(ClusteringMethod.kmeans, 120) with { K = 4, Text = ItemTextSource.Summary },
                     Options(ClusteringMethod.kmeans, 120, ClusterLevel.evaluation) with { K = 4 } })
        {
            var here = await ClusterAsync(summaries);
            var overApi = await ClusterAsync(summaries, engine.DemoConnectionOverPostHog());
            Assert.Equal(JsonSerializer.Serialize(here.Run.Clusters), JsonSerializer.Serialize(overApi.Run.Clusters));
        }
        var options = Options(ClusteringMethod.kmeans, 120) with { K = 4 };
        var local = await ClusterAsync(options);
        var overClickHouse = await ClusterAsync(options, engine.DemoConnectionOverClickHouse());
        var overPostHog = await ClusterAsync(options, engine.DemoConnectionOverPostHog());
        Assert.Equal(JsonSerializer.Serialize(local.Run.Clusters), JsonSerializer.Serialize(overClickHouse.Run.Clusters));
        Assert.Equal(JsonSerializer.Serialize(local.Run.Clusters), JsonSerializer.Serialize(overPostHog.Run.Clusters));
    }
}
