using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Metrics;

/// <summary>PostHog's metric definitions, checked rule by rule on fixtures whose answers were worked out by hand.</summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class ClusterMetricsReaderTests(EngineFixture engine)
{
    private static readonly DateTime WindowStart = new(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime WindowEnd = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private const string TraceRun = "1_trace_20260301_120000";
    private const string GenerationRun = "1_generation_20260301_120000";
    private static readonly Guid G1 = Guid.Parse("10000000-0000-4000-8000-000000000001");
    private static readonly Guid G2 = Guid.Parse("10000000-0000-4000-8000-000000000002");

    private static DateTime At(int minutes) => WindowStart.AddMinutes(minutes);

    private async Task<(ClusterReader Clusters, ClusterMetricsReader Metrics)> FixtureAsync()
    {
        var writer = new EventWriter(engine.NewTable("metrics"))
            // A: cost from a number (generation) and a numeric string (embedding); the $ai_trace root does not count; a span's "true" error does.
            .Add("$ai_trace", At(1), new Dictionary<string, object?> { ["$ai_trace_id"] = "A", ["$ai_latency"] = 9.0, ["$ai_is_error"] = false })
            .Add("$ai_generation", At(2), new Dictionary<string, object?> { ["$ai_trace_id"] = "A", ["$ai_model"] = "gpt-4o", ["$ai_total_cost_usd"] = 0.01, ["$ai_latency"] = 1.5, ["$ai_input_tokens"] = 100, ["$ai_output_tokens"] = 50 })
            .Add("$ai_embedding", At(2), new Dictionary<string, object?> { ["$ai_trace_id"] = "A", ["$ai_model"] = "text-embedding-3-small", ["$ai_total_cost_usd"] = "0.002", ["$ai_input_tokens"] = 10 })
            .Add("$ai_span", At(3), new Dictionary<string, object?> { ["$ai_trace_id"] = "A", ["$ai_latency"] = 0.3, ["$ai_is_error"] = "true" })
            // B: no cost at all, latency as a string, a JSON true error.
            .Add("$ai_generation", At(4), new Dictionary<string, object?> { ["$ai_trace_id"] = "B", ["$ai_model"] = "gpt-4o", ["$ai_latency"] = "2", ["$ai_input_tokens"] = "200", ["$ai_output_tokens"] = 0, ["$ai_is_error"] = true })
            // C: zero latency and tokens; "false" is no error; a generation exactly at the window's end is inside it (PostHog's page: end included).
            .Add("$ai_generation", At(5), new Dictionary<string, object?> { ["$ai_trace_id"] = "C", ["$ai_model"] = "claude-haiku-4-5", ["$ai_total_cost_usd"] = 0.03, ["$ai_latency"] = 0, ["$ai_is_error"] = "false" })
            .Add("$ai_generation", WindowEnd, new Dictionary<string, object?> { ["$ai_trace_id"] = "C", ["$ai_total_cost_usd"] = 5.0, ["$ai_is_error"] = true })
            // D: only an event before the window, so it has no rows and is skipped.
            .Add("$ai_generation", WindowStart.AddMinutes(-1), new Dictionary<string, object?> { ["$ai_trace_id"] = "D", ["$ai_total_cost_usd"] = 1.0 })
            // E and F in cluster 1; F's null and false flags are no errors, nor is "True": the seed and PostHog's page compare with 'true' exactly.
            .Add("$ai_generation", At(6), new Dictionary<string, object?> { ["$ai_trace_id"] = "E", ["$ai_model"] = "gpt-4o", ["$ai_total_cost_usd"] = 0.5, ["$ai_latency"] = 3, ["$ai_input_tokens"] = 1000, ["$ai_output_tokens"] = 500, ["$ai_is_error"] = null })
            .Add("$ai_generation", At(7), new Dictionary<string, object?> { ["$ai_trace_id"] = "F", ["$ai_model"] = "gpt-4o-mini", ["$ai_total_cost_usd"] = "0.1", ["$ai_latency"] = 1, ["$ai_input_tokens"] = 10, ["$ai_output_tokens"] = 10, ["$ai_is_error"] = false })
            .Add("$ai_span", At(7), new Dictionary<string, object?> { ["$ai_trace_id"] = "F", ["$ai_is_error"] = "True" })
            // G (noise): only a failing span.
            .Add("$ai_span", At(8), new Dictionary<string, object?> { ["$ai_trace_id"] = "G", ["$ai_latency"] = 4, ["$ai_is_error"] = true })
            // Another team's event with the same trace id must not count when the connection names team 1.
            .Add("$ai_generation", At(9), new Dictionary<string, object?> { ["$ai_trace_id"] = "E", ["$ai_total_cost_usd"] = 100.0 }, teamId: 2)
            // K: two generations that both fail (one item with an error, two failed events), latency 1 and 2 (the longest is
            // the item's; the workflow sums them), and a span that has a cost (it counts on PostHog's page).
            .Add("$ai_generation", At(12), new Dictionary<string, object?> { ["$ai_trace_id"] = "K", ["$ai_model"] = "gpt-4o", ["$ai_total_cost_usd"] = 0.1, ["$ai_latency"] = 1, ["$ai_is_error"] = true })
            .Add("$ai_generation", At(13), new Dictionary<string, object?> { ["$ai_trace_id"] = "K", ["$ai_model"] = "gpt-4o", ["$ai_total_cost_usd"] = 0.2, ["$ai_latency"] = 2, ["$ai_is_error"] = true })
            .Add("$ai_span", At(14), new Dictionary<string, object?> { ["$ai_trace_id"] = "K", ["$ai_total_cost_usd"] = 0.05, ["$ai_latency"] = 0.5 })
            // L: only its $ai_trace root failed, which PostHog does not count.
            .Add("$ai_trace", At(15), new Dictionary<string, object?> { ["$ai_trace_id"] = "L", ["$ai_is_error"] = true, ["$ai_latency"] = 7 })
            .Add("$ai_generation", At(15), new Dictionary<string, object?> { ["$ai_trace_id"] = "L", ["$ai_model"] = "gpt-4o", ["$ai_total_cost_usd"] = 0.1, ["$ai_latency"] = 1 })
            .AddRun(TraceRun, "trace", WindowStart, WindowEnd, (0, ["A", "B", "C", "D"]), (1, ["E", "F"]), (2, ["K", "L"]), (-1, ["G"]))
            // Generation level: items are generation uuids.
            .Add("$ai_generation", At(10), new Dictionary<string, object?> { ["$ai_trace_id"] = "H", ["$ai_model"] = "gpt-4o", ["$ai_total_cost_usd"] = "0.2", ["$ai_latency"] = 0.5, ["$ai_is_error"] = "true" }, G1)
            .Add("$ai_generation", At(11), new Dictionary<string, object?> { ["$ai_trace_id"] = "H", ["$ai_model"] = "gpt-4o", ["$ai_total_cost_usd"] = 0, ["$ai_latency"] = 1 }, G2)
            .Add("$ai_span", At(11), new Dictionary<string, object?> { ["$ai_trace_id"] = "H", ["$ai_is_error"] = true })
            .AddRun(GenerationRun, "generation", WindowStart, WindowEnd, (0, [G1.ToString(), G2.ToString()]));
        var source = await writer.WriteAsync();
        var connection = new LlmAnalyticsConnection(source, teamId: 1);
        return (new ClusterReader(connection), new ClusterMetricsReader(connection));
    }

    private static async Task<IReadOnlyList<ClusterMetrics>> Measure((ClusterReader Clusters, ClusterMetricsReader Metrics) f, string runId,
        MetricsDimension by = MetricsDimension.None, MetricsDefinition definition = MetricsDefinition.Page) =>
        await f.Metrics.MeasureAsync(await f.Clusters.ReadClustersAsync(ClusterRunId.Parse(runId), CancellationToken.None), by, CancellationToken.None, definition);

    [Fact]
    public async Task Trace_level_metrics_follow_posthogs_clusters_page()
    {
        var metrics = await Measure(await FixtureAsync(), TraceRun);

        Assert.Equal([0, 1, 2, -1], metrics.Select(m => m.ClusterId));
        var first = metrics[0];
        Assert.Equal(3, first.ItemCount);                 // D has no event in the window
        Assert.Equal(4, first.Size);
        Assert.Equal(5.042, first.TotalCost!.Value, 9);   // A 0.012 + C 0.03 + C's 5 at the window's end; B has no cost
        Assert.Equal(2.521, first.AvgCost!.Value, 9);     // mean over positive costs only
        Assert.Equal(1.75, first.AvgLatency!.Value, 9);   // A 1.5 (its longest event; the root's 9 does not count) and B 2; C's 0 left out
        Assert.Equal(180, first.AvgTokens!.Value, 9);     // A 160 and B 200; C's 0 left out
        Assert.Equal(310, first.InputTokens);
        Assert.Equal(50, first.OutputTokens);
        Assert.Equal(3, first.ErrorCount);                // A (a span's "true"), B (true), C (true at the window's end)
        Assert.Equal(1.0, first.ErrorRate!.Value, 9);
        Assert.Equal(3, first.FailedEventCount);
        Assert.Equal("gpt-4o", first.TopModel);
        Assert.Equal(2, first.ModelCount);
        Assert.Equal(At(2), first.FirstSeen);             // A's root at 10:01 is not one of its counted events
        Assert.Equal(WindowEnd, first.LastSeen);

        var second = metrics[1];
        Assert.Equal(2, second.ItemCount);
        Assert.Equal(0.6, second.TotalCost!.Value, 9);    // team 2's cost of 100 is not read
        Assert.Equal(0.3, second.AvgCost!.Value, 9);
        Assert.Equal(2.0, second.AvgLatency!.Value, 9);
        Assert.Equal(760, second.AvgTokens!.Value, 9);
        Assert.Equal(0, second.ErrorCount);
        Assert.Equal(0.0, second.ErrorRate);

        var third = metrics[2];
        Assert.Equal(2, third.ItemCount);
        Assert.Equal(0.45, third.TotalCost!.Value, 9);    // K 0.1 + 0.2 + its span's 0.05, L 0.1
        Assert.Equal(1.5, third.AvgLatency!.Value, 9);    // K's longest event 2, L 1
        Assert.Equal(2.0, third.AvgGenerationLatency!.Value, 9); // K's generations summed 3, L 1: the workflow's figure
        Assert.Equal(1, third.ErrorCount);                // K failed twice: one item; L's failing root does not count
        Assert.Equal(0.5, third.ErrorRate!.Value, 9);
        Assert.Equal(2, third.FailedEventCount);

        var noise = metrics[3];
        Assert.Equal(1, noise.ItemCount);
        Assert.Null(noise.TotalCost);                     // no positive cost: null, as PostHog
        Assert.Null(noise.AvgCost);
        Assert.Equal(4.0, noise.AvgLatency!.Value, 9);    // a span's latency is the item's longest event
        Assert.Null(noise.AvgGenerationLatency);          // it has no generation
        Assert.Null(noise.AvgTokens);
        Assert.Equal(1.0, noise.ErrorRate);
    }

    [Fact]
    public async Task Trace_level_metrics_by_the_workflows_definitions()
    {
        var metrics = await Measure(await FixtureAsync(), TraceRun, definition: MetricsDefinition.Workflow);

        var first = metrics[0];
        Assert.Equal(0.042, first.TotalCost!.Value, 9);   // C's event at the window's end is outside it
        Assert.Equal(2, first.ErrorCount);                // A and B
        var third = metrics[2];
        Assert.Equal(0.4, third.TotalCost!.Value, 9);     // K's span's cost does not count
        Assert.Equal(2.0, third.AvgLatency!.Value, 9);    // K's generations summed 3, L 1
        Assert.Equal(1, third.ErrorCount);
        Assert.Null(metrics[3].AvgLatency);               // the noise trace has no generation
    }

    [Fact]
    public async Task Cost_share_and_error_rate_comparison_use_the_rest_of_the_run()
    {
        var metrics = await Measure(await FixtureAsync(), TraceRun);

        const double runCost = 5.042 + 0.6 + 0.45;
        Assert.Equal(5.042 / runCost, metrics[0].CostShare!.Value, 9);
        Assert.Equal(0.6 / runCost, metrics[1].CostShare!.Value, 9);
        Assert.Null(metrics[3].CostShare);
        Assert.Equal(2.5, metrics[0].ErrorRateLift!.Value, 9);    // 3/3 against 2/5 for E, F, K, L, G
        Assert.Equal(ErrorRateComparison.ExactTest, metrics[0].ErrorRateTest);
        Assert.Equal(11.0 / 56, metrics[0].ErrorRatePValue!.Value, 9);  // Fisher: P(3 of 3) + P(0 of 3) drawing 3 of 8 with 5 failing
        Assert.Equal(0.0, metrics[1].ErrorRateLift!.Value, 9);
    }

    [Fact]
    public async Task Generation_level_metrics_match_on_the_event_uuid()
    {
        var metrics = await Measure(await FixtureAsync(), GenerationRun);

        var cluster = Assert.Single(metrics);
        Assert.Equal(2, cluster.ItemCount);
        Assert.Equal(0.2, cluster.TotalCost!.Value, 9);
        Assert.Equal(0.2, cluster.AvgCost!.Value, 9);
        Assert.Equal(0.75, cluster.AvgLatency!.Value, 9);
        Assert.Equal(1, cluster.ErrorCount);              // the trace's failing span is not a generation of the run
        Assert.Equal(0.5, cluster.ErrorRate!.Value, 9);
    }

    [Fact]
    public async Task Metrics_split_by_model()
    {
        var metrics = await Measure(await FixtureAsync(), TraceRun, MetricsDimension.Model);

        var gpt4o = metrics.Single(m => m.ClusterId == 0 && m.Model == "gpt-4o");
        Assert.Equal(2, gpt4o.ItemCount);                 // A and B used gpt-4o
        Assert.Equal(0.01, gpt4o.TotalCost!.Value, 9);
        Assert.Equal(1, gpt4o.ErrorCount);                // B's generation failed; A's failure was in a span
        Assert.Contains(metrics, m => m.ClusterId == 0 && m.Model == "text-embedding-3-small");
        Assert.Contains(metrics, m => m.ClusterId == 1 && m.Model == "gpt-4o-mini");
        Assert.All(metrics, m => Assert.Null(m.Provider));
    }

    [Fact]
    public async Task Per_item_figures_are_the_items_own()
    {
        var f = await FixtureAsync();
        var run = await f.Clusters.ReadClustersAsync(ClusterRunId.Parse(TraceRun), CancellationToken.None);

        var items = await f.Metrics.MeasureItemsAsync(run, [0], CancellationToken.None);

        Assert.Equal(["A", "B", "C"], items.Select(i => i.ItemId));
        var a = items[0];
        Assert.Equal(0.012, a.Cost, 9);
        Assert.Equal(1.5, a.Latency, 9);
        Assert.Equal(1.5, a.GenerationLatency, 9);
        Assert.Equal(160, a.Tokens);
        Assert.True(a.IsError);
        Assert.Equal(1, a.FailedEvents);
        Assert.Equal(3, a.EventCount);                    // its generation, embedding and span: not the $ai_trace root
        Assert.Equal("A", a.TraceId);
        Assert.Equal("gpt-4o", a.Model);
        var c = items[2];
        Assert.Equal(5.03, c.Cost, 9);                    // with the generation exactly at the window's end
        Assert.True(c.IsError);
    }

    [Fact]
    public async Task Metrics_by_the_workflows_definitions_agree_with_the_metrics_demo_runs_store()
    {
        var connection = engine.DemoConnection();
        var clusters = new ClusterReader(connection);
        var reader = new ClusterMetricsReader(connection);
        foreach (var demo in engine.DemoData.Runs.Where(r => r.HasMetrics))
        {
            var run = await clusters.ReadClustersAsync(ClusterRunId.Parse(demo.RunId), CancellationToken.None);
            var computed = (await reader.MeasureAsync(run, MetricsDimension.None, CancellationToken.None, MetricsDefinition.Workflow)).ToDictionary(m => m.ClusterId);
            foreach (var cluster in run.Clusters)
            {
                var stored = cluster.StoredMetrics!;
                var mine = computed[cluster.ClusterId];
                Assert.Equal(stored.ItemCount, mine.ItemCount);
                Assert.Equal(stored.ErrorCount, mine.ErrorCount);
                // The stored figures are rounded (to 6 or 8 places): agree to a part in a million.
                Assert.Equal(stored.ErrorRate!.Value, mine.ErrorRate!.Value, 1e-6);
                Assert.Equal(stored.TotalCost!.Value, mine.TotalCost!.Value, Rounding(stored.TotalCost.Value));
                Assert.Equal(stored.AvgCost!.Value, mine.AvgCost!.Value, Rounding(stored.AvgCost.Value));
                Assert.Equal(stored.AvgLatency!.Value, mine.AvgLatency!.Value, Rounding(stored.AvgLatency.Value));
                Assert.Equal(stored.AvgTokens!.Value, mine.AvgTokens!.Value, Rounding(stored.AvgTokens.Value));
            }
        }
    }

    [Fact]
    public async Task Small_and_large_run_plans_give_the_same_figures()
    {
        // Runs up to MembershipFilterLimit items filter the scan by membership first; larger ones only join.
        var connection = engine.DemoConnection();
        var demo = engine.DemoData.Runs.First(r => r.Level == ClusterLevel.trace && !r.IsLegacy);
        var run = await new ClusterReader(connection).ReadClustersAsync(ClusterRunId.Parse(demo.RunId), CancellationToken.None);
        var id = ClusterRunId.Parse(demo.RunId);
        var (start, end) = (run.Run.WindowStart!.Value, run.Run.WindowEnd!.Value);
        var source = (Core.Sources.EmbeddedSource)connection.CreateRunner(null).Source;

        var filtered = await source.QueryAsync(MetricsQueries.ClusterMetrics(source.Table, id, start, end, null, runItems: 1), CancellationToken.None);
        var joined = await source.QueryAsync(MetricsQueries.ClusterMetrics(source.Table, id, start, end, null, runItems: MetricsQueries.MembershipFilterLimit + 1), CancellationToken.None);

        Assert.Contains("GLOBAL IN (SELECT item FROM members)", MetricsQueries.ClusterMetrics(source.Table, id, start, end, null, 1).Text);
        Assert.DoesNotContain("GLOBAL IN (SELECT item FROM members)", MetricsQueries.ClusterMetrics(source.Table, id, start, end, null, MetricsQueries.MembershipFilterLimit + 1).Text);
        Assert.Equal(run.Clusters.Count, filtered.Rows.Count);
        Assert.Equal(filtered.Rows.Count, joined.Rows.Count);
        for (var row = 0; row < filtered.Rows.Count; row++)
            for (var column = 0; column < filtered.Columns.Count; column++)
            {
                var (a, b) = (filtered.Rows[row][column], joined.Rows[row][column]);
                if (a is double x && b is double y) Assert.Equal(x, y, 1e-9 * Math.Max(1, Math.Abs(x)));  // sums may add in another order
                else if (a is object?[] xs && b is object?[] ys) Assert.Equal(xs.Length, ys.Length);
                else Assert.Equal(a, b);
            }
    }

    private static double Rounding(double stored) => 1e-6 * Math.Abs(stored) + 1e-8;

    [Fact]
    public async Task Filling_a_run_computes_the_pages_figures_and_keeps_the_stored_ones_apart()
    {
        var connection = engine.DemoConnection();
        foreach (var demo in engine.DemoData.Runs.Where(r => !r.IsLegacy && r.Level != ClusterLevel.evaluation))
        {
            var run = await new ClusterReader(connection).ReadClustersAsync(ClusterRunId.Parse(demo.RunId), CancellationToken.None);
            Assert.All(run.Clusters, c => Assert.Null(c.ErrorRate));
            Assert.All(run.Clusters, c => Assert.Equal(demo.HasMetrics, c.StoredMetrics is not null));

            var filled = (await new ClusterMetricsReader(connection).FillMetricsAsync(run, CancellationToken.None)).Clusters;
            var page = (await new ClusterMetricsReader(connection).MeasureAsync(run, MetricsDimension.None, CancellationToken.None)).ToDictionary(m => m.ClusterId);

            Assert.All(filled, c => Assert.Equal(MetricsSource.Computed, c.MetricsSource));
            Assert.All(filled, c => Assert.Equal(page[c.ClusterId].AvgLatency, c.AvgLatency));
            Assert.All(filled, c => Assert.Equal(page[c.ClusterId].ErrorRate, c.ErrorRate));
            Assert.Equal(run.Clusters.Select(c => c.StoredMetrics), filled.Select(c => c.StoredMetrics));
        }
    }
}
