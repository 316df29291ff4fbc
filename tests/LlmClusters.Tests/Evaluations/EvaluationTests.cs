using System.Text.Json;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Evaluations;

/// <summary>
/// $ai_evaluation events with PostHog's property names and shapes (evaluation_clustering/data.py), read as PostHog reads
/// them: an evaluation run's items as its clusters page does (7 days before the window to a day after it, the verdict by
/// deriveVerdict's precedence), the run's figures as its workflow's aggregates.py computes them, and the verdicts on a
/// trace or generation run's items. Every figure below is worked out by hand from the events written here.
/// </summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class EvaluationTests(EngineFixture engine)
{
    private static readonly DateTime WindowEnd = new(2026, 4, 2, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime WindowStart = WindowEnd.AddDays(-1);
    private const string EvaluationRun = "1_evaluation_20260402_120000_job";

    // Evaluations, their generations and traces: fixed uuids, since the run names its items by uuid.
    private static string E(int n) => $"e0000000-0000-4000-8000-{n:D12}";
    private static string G(int n) => $"90000000-0000-4000-8000-{n:D12}";

    private static string Row(string @event, string uuid, DateTime at, Dictionary<string, object?> properties) =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["uuid"] = uuid, ["event"] = @event, ["properties"] = JsonSerializer.Serialize(properties),
            ["timestamp"] = at.ToString("yyyy-MM-dd HH:mm:ss.ffffff"), ["team_id"] = 1, ["distinct_id"] = "d",
        });

    private static string Evaluation(int n, DateTime at, string name, object? result, string runtime, double? judgeCost, string? target, string trace,
        object? applicable = null)
    {
        var properties = new Dictionary<string, object?>
        {
            ["$ai_evaluation_id"] = "cfg-" + name.ToLowerInvariant(), ["$ai_evaluation_name"] = name, ["$ai_evaluation_result"] = result,
            ["$ai_evaluation_runtime"] = runtime, ["$ai_evaluation_reasoning"] = $"Reasoning {n}", ["$ai_trace_id"] = trace,
        };
        if (judgeCost is { } cost) properties["$ai_total_cost_usd"] = cost;
        if (target is not null) properties["$ai_target_event_id"] = target;
        if (applicable is not null) properties["$ai_evaluation_applicable"] = applicable;
        return Row("$ai_evaluation", E(n), at, properties);
    }

    private static string Generation(int n, DateTime at, double cost, double latency, long input, long output, string model, object? isError = null)
    {
        var properties = new Dictionary<string, object?>
        {
            ["$ai_trace_id"] = "t" + n, ["$ai_total_cost_usd"] = cost, ["$ai_latency"] = latency, ["$ai_input_tokens"] = input,
            ["$ai_output_tokens"] = output, ["$ai_model"] = model,
        };
        if (isError is not null) properties["$ai_is_error"] = isError;
        return Row("$ai_generation", G(n), at, properties);
    }

    /// <summary>A run event as PostHog's workflows write it; an evaluation run stores the evaluation's uuid as generation_id.</summary>
    private static string Run(ClusterLevel level, string runId, params (int Cluster, string[] Items, object? Metrics)[] clusters) =>
        Row(ClusterQueries.EventForLevel(level), Guid.NewGuid().ToString(), WindowEnd.AddMinutes(5), new Dictionary<string, object?>
        {
            ["$ai_clustering_run_id"] = runId, ["$ai_clustering_level"] = level.ToString(),
            ["$ai_window_start"] = WindowStart.ToString("O"), ["$ai_window_end"] = WindowEnd.ToString("O"),
            ["$ai_clusters"] = clusters.Select(c => new Dictionary<string, object?>
            {
                ["cluster_id"] = c.Cluster, ["size"] = c.Items.Length, ["title"] = "C" + c.Cluster, ["metrics"] = c.Metrics,
                ["traces"] = c.Items.Select((item, rank) => (item, rank)).ToDictionary(p => p.item, p => (object)new Dictionary<string, object?>
                {
                    ["rank"] = p.rank,
                    ["trace_id"] = level == ClusterLevel.evaluation ? p.item : level == ClusterLevel.trace ? p.item : "t?",
                    ["generation_id"] = level == ClusterLevel.trace ? null : p.item,
                    ["timestamp"] = WindowEnd.ToString("O"),
                }),
            }).ToList(),
        });

    // Cluster 0: pass, fail (its generation gone), unknown (result 1), n/a (its target not a uuid).
    // Cluster 1: unknown ("yes", judge cost 0), fail, one evaluation whose event is gone, one written too late to be seen.
    private static readonly object Cluster0Stored = new
    {
        item_count = 4, total_cost = 0.04, avg_cost = 0.02, avg_latency = 3.0, avg_tokens = 225.0, error_count = 1, error_rate = 0.5,
        pass_rate = 1.0 / 3, na_rate = 1.0 / 3, dominant_evaluation_name = "Accuracy", dominant_runtime = "llm_judge", avg_judge_cost = 0.003,
    };

    private static readonly object Cluster1Stored = new
    {
        item_count = 4, total_cost = 0.02, avg_cost = 0.02, avg_latency = 2.0, avg_tokens = 300.0, error_count = 1, error_rate = 0.5,
        pass_rate = 0.0, na_rate = 0.0, dominant_evaluation_name = "Relevance", dominant_runtime = "llm_judge", avg_judge_cost = 0.006,
    };

    private static IEnumerable<string> Events() =>
    [
        Evaluation(1, WindowStart.AddHours(1), "Accuracy", true, "llm_judge", 0.002, G(1), "t1"),
        Evaluation(2, WindowStart.AddHours(2), "Accuracy", "false", "llm_judge", 0.004, G(2), "t2"),
        // Written three days before the window: the page looks 7 days back for an evaluation run's items.
        Evaluation(3, WindowStart.AddDays(-3), "Accuracy", 1, "llm_judge", null, G(3), "t3"),
        Evaluation(4, WindowEnd.AddHours(-1), "Relevance", true, "hog", null, "not-a-uuid", "t4", applicable: false),
        Evaluation(5, WindowEnd.AddHours(6), "Relevance", "yes", "llm_judge", 0.0, G(5), "t5"),
        Evaluation(6, WindowEnd.AddHours(12), "Relevance", false, "llm_judge", 0.006, G(6).ToUpperInvariant(), "t6"),
        Evaluation(8, WindowEnd.AddDays(2), "Relevance", true, "llm_judge", 0.001, G(8), "t8"),
        Generation(1, WindowStart.AddMinutes(50), 0.01, 2.0, 100, 50, "gpt-4o"),
        Generation(3, WindowStart.AddDays(-3).AddMinutes(-5), 0.03, 4.0, 200, 100, "gpt-4o", isError: true),
        Generation(5, WindowEnd.AddHours(5), 0.0, 1.0, 0, 0, "claude", isError: "true"),
        Generation(6, WindowEnd.AddHours(11), 0.02, 3.0, 300, 0, "claude"),
        Generation(8, WindowEnd.AddDays(2), 0.5, 9.0, 9, 9, "claude"),
    ];

    private async Task<LlmAnalyticsConnection> ConnectionWith(IEnumerable<string> rows)
    {
        var source = engine.NewTable("evaluations");
        var runner = new QueryRunner(source);
        await runner.EnsureEventsTableAsync(CancellationToken.None);
        await runner.InsertJsonRowsAsync(rows.ToList(), CancellationToken.None);
        return new LlmAnalyticsConnection(source);
    }

    private Task<LlmAnalyticsConnection> EvaluationRunConnection() => ConnectionWith(Events().Append(Run(ClusterLevel.evaluation, EvaluationRun,
        (0, [E(1), E(2), E(3), E(4)], Cluster0Stored), (1, [E(5), E(6), E(7), E(8)], Cluster1Stored))));

    private sealed class Notices : IQueryObserver
    {
        public List<string> Said { get; } = [];
        public void QueryStarting(SqlQuery query, string location) { }
        public void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows) { }
        public void Notice(string message) => Said.Add(message);
    }

    [Fact]
    public async Task An_evaluation_runs_items_name_the_generation_they_judged_and_their_verdict()
    {
        var notices = new Notices();
        var items = (await new ClusterReader(await EvaluationRunConnection(), notices).ReadItemsAsync(ClusterRunId.Parse(EvaluationRun), null, null, CancellationToken.None))
            .ToDictionary(i => i.ItemId);

        var first = items[E(1)];
        Assert.Equal(E(1), first.EvaluationId);
        Assert.Equal(G(1), first.GenerationId);
        Assert.Equal("t1", first.TraceId);
        Assert.Equal("Accuracy", first.EvaluationName);
        Assert.Equal("cfg-accuracy", first.EvaluatorId);
        Assert.Equal(EvaluationVerdict.Pass, first.Verdict);
        Assert.Equal("Reasoning 1", first.Reasoning);
        Assert.Equal("llm_judge", first.Runtime);
        Assert.Equal(0.002, first.JudgeCost);
        Assert.Contains("/llm-analytics/traces/t1", first.UiUrl);
        Assert.Contains(G(1), first.UiUrl);

        Assert.Equal(EvaluationVerdict.Fail, items[E(2)].Verdict);                  // "false" as a string
        Assert.Equal(EvaluationVerdict.Unknown, items[E(3)].Verdict);               // 1 is neither true nor false
        Assert.Equal(G(3), items[E(3)].GenerationId);                               // found 3 days before the window
        Assert.Equal(EvaluationVerdict.NotApplicable, items[E(4)].Verdict);         // applicable false comes first
        Assert.Null(items[E(4)].GenerationId);                                      // its target is not a uuid
        Assert.Equal(EvaluationVerdict.Unknown, items[E(5)].Verdict);               // "yes"
        Assert.Equal(G(6), items[E(6)].GenerationId);                               // canonical, as PostHog reads it
        // Gone, and too late to be seen: kept, with what the run stores and no verdict.
        foreach (var gone in new[] { items[E(7)], items[E(8)] })
        {
            Assert.Null(gone.Verdict);
            Assert.Null(gone.GenerationId);
            Assert.Null(gone.TraceId);
            Assert.Null(gone.UiUrl);
        }
        Assert.Equal(8, items.Count);
        var said = Assert.Single(notices.Said);
        Assert.Contains("2 evaluation event(s) were not found", said);
        Assert.Contains("2 evaluation(s) have a $ai_evaluation_result that is neither true nor false", said);
        Assert.Contains("1 evaluation(s) have no $ai_target_event_id", said);
    }

    [Fact]
    public async Task Filtering_by_verdict_or_evaluator_rebuilds_sizes_and_drops_empty_clusters()
    {
        var connection = await EvaluationRunConnection();
        var reader = new ClusterReader(connection);
        var run = await reader.ReadClustersAsync(ClusterRunId.Parse(EvaluationRun), CancellationToken.None);

        var failed = await reader.FilterByEvaluationsAsync(run, new EvaluationFilter { Verdicts = [new Wildcard("fail")] }, CancellationToken.None);
        Assert.Equal([(0, 1L), (1, 1L)], failed.Clusters.Select(c => (c.ClusterId, c.Size)));

        var notApplicable = await reader.FilterByEvaluationsAsync(run, new EvaluationFilter { Verdicts = [new Wildcard("n/a")] }, CancellationToken.None);
        Assert.Equal([(0, 1L)], notApplicable.Clusters.Select(c => (c.ClusterId, c.Size)));

        var relevance = await reader.FilterByEvaluationsAsync(run, new EvaluationFilter { EvaluationNames = [new Wildcard("rel*")] }, CancellationToken.None);
        Assert.Equal([(0, 1L), (1, 2L)], relevance.Clusters.Select(c => (c.ClusterId, c.Size)));

        var both = await reader.FilterByEvaluationsAsync(run, new EvaluationFilter { Verdicts = [new Wildcard("pass")], EvaluationNames = [new Wildcard("Relevance")] }, CancellationToken.None);
        Assert.Empty(both.Clusters);
    }

    [Fact]
    public async Task Live_figures_of_an_evaluation_run_equal_what_PostHogs_workflow_stores()
    {
        var connection = await EvaluationRunConnection();
        var run = await new ClusterReader(connection).ReadClustersAsync(ClusterRunId.Parse(EvaluationRun), CancellationToken.None);
        var measured = (await new ClusterMetricsReader(connection).MeasureAsync(run, MetricsDimension.None, CancellationToken.None)).ToDictionary(m => m.ClusterId);

        foreach (var stored in run.Clusters)
        {
            var live = measured[stored.ClusterId];
            Assert.Equal(stored.ItemCount, live.ItemCount);
            Assert.Equal(stored.TotalCost!.Value, live.TotalCost!.Value, 12);
            Assert.Equal(stored.AvgCost!.Value, live.AvgCost!.Value, 12);
            Assert.Equal(stored.AvgLatency!.Value, live.AvgLatency!.Value, 12);
            Assert.Equal(stored.AvgTokens!.Value, live.AvgTokens!.Value, 12);
            Assert.Equal(stored.ErrorCount, live.ErrorCount);
            Assert.Equal(stored.ErrorRate!.Value, live.ErrorRate!.Value, 12);
            Assert.Equal(stored.PassRate!.Value, live.PassRate!.Value, 12);
            Assert.Equal(stored.NaRate!.Value, live.NaRate!.Value, 12);
            Assert.Equal(stored.DominantEvaluationName, live.DominantEvaluationName);
            Assert.Equal(stored.DominantRuntime, live.DominantRuntime);
            Assert.Equal(stored.AvgJudgeCost!.Value, live.AvgJudgeCost!.Value, 12);
        }
        Assert.Equal(4, measured[0].EvaluationCount);
        Assert.Equal(2, measured[1].EvaluationCount);     // one gone, one too late
        Assert.Equal(0.04 / 0.06, measured[0].CostShare!.Value, 12);
        Assert.Equal("gpt-4o", measured[0].TopModel);
    }

    [Fact]
    public async Task An_evaluation_runs_figures_split_by_the_judged_generations_model()
    {
        var connection = await EvaluationRunConnection();
        var run = await new ClusterReader(connection).ReadClustersAsync(ClusterRunId.Parse(EvaluationRun), CancellationToken.None);
        var measured = (await new ClusterMetricsReader(connection).MeasureAsync(run, MetricsDimension.Model, CancellationToken.None))
            .ToDictionary(m => (m.ClusterId, m.Model));

        // Cluster 0: e1 and e3 judged gpt-4o (a pass and an unknown); e2's generation is gone and e4 names none (a fail and an n/a).
        Assert.Equal((2L, 1.0), (measured[(0, "gpt-4o")].ItemCount, measured[(0, "gpt-4o")].PassRate!.Value));
        Assert.Equal((2L, 0.0, 0.5), (measured[(0, "")].ItemCount, measured[(0, "")].PassRate!.Value, measured[(0, "")].NaRate!.Value));
        // Cluster 1: e5 and e6 judged claude (an unknown and a fail); e7 and e8 were not found.
        Assert.Equal((2L, 0.0), (measured[(1, "claude")].ItemCount, measured[(1, "claude")].PassRate!.Value));
        Assert.Equal((2L, 0L), (measured[(1, "")].ItemCount, measured[(1, "")].EvaluationCount));
        Assert.Equal(4, measured.Count);
    }

    [Fact]
    public async Task A_trace_runs_clusters_carry_the_verdicts_on_their_traces()
    {
        var connection = await ConnectionWith(Events().Append(Run(ClusterLevel.trace, "1_trace_20260402_120000",
            (0, ["t1", "t2", "t3"], null), (1, ["t4", "t5", "t6"], null), (-1, ["t8"], null))));
        var run = await new ClusterReader(connection).ReadClustersAsync(ClusterRunId.Parse("1_trace_20260402_120000"), CancellationToken.None);
        var measured = (await new ClusterMetricsReader(connection).MeasureAsync(run, MetricsDimension.None, CancellationToken.None)).ToDictionary(m => m.ClusterId);

        // t3's evaluation is before the window; t8's more than a day after it.
        Assert.Equal((2L, 0.5, 0.0), (measured[0].EvaluationCount, measured[0].PassRate!.Value, measured[0].NaRate!.Value));
        // n/a, unknown (left out of both rates) and fail.
        Assert.Equal((3L, 0.0, 0.5), (measured[1].EvaluationCount, measured[1].PassRate!.Value, measured[1].NaRate!.Value));
        Assert.Equal(0, measured[-1].EvaluationCount);
        Assert.Null(measured[-1].PassRate);

        var shown = (await new ClusterMetricsReader(connection).FillMetricsAsync(run, CancellationToken.None)).Clusters.ToDictionary(c => c.ClusterId);
        Assert.Equal(0.5, shown[0].PassRate);
        Assert.Equal(3, shown[1].EvaluationCount);
    }

    [Fact]
    public async Task A_generation_runs_clusters_carry_the_verdicts_on_their_generations()
    {
        var connection = await ConnectionWith(Events().Append(Run(ClusterLevel.generation, "1_generation_20260402_120000",
            (0, [G(1), G(3)], null), (1, [G(5)], null), (2, [G(6)], null))));
        var run = await new ClusterReader(connection).ReadClustersAsync(ClusterRunId.Parse("1_generation_20260402_120000"), CancellationToken.None);
        var measured = (await new ClusterMetricsReader(connection).MeasureAsync(run, MetricsDimension.None, CancellationToken.None)).ToDictionary(m => m.ClusterId);

        Assert.Equal((1L, 1.0), (measured[0].EvaluationCount, measured[0].PassRate!.Value));
        Assert.Equal(1, measured[1].EvaluationCount);
        Assert.Null(measured[1].PassRate);               // its only verdict is unknown
        // The evaluation names its generation in capitals, which is the same uuid.
        Assert.Equal((1L, 0.0), (measured[2].EvaluationCount, measured[2].PassRate!.Value));
    }

    [Fact]
    public void The_demo_holds_every_verdict_of_both_runtimes_and_an_evaluation_run()
    {
        var evaluations = engine.DemoData.Traces.SelectMany(t => t.Evaluations).ToList();
        Assert.Equal(EvaluationVerdict.All.Order(), evaluations.Select(e => e.Verdict).Distinct().Order());
        Assert.Equal(["hog", "llm_judge"], evaluations.Select(e => e.Runtime).Distinct().Order());
        Assert.Single(engine.DemoData.Runs, r => r.Level == ClusterLevel.evaluation);
    }

    public static TheoryData<string> Sources() => ["embedded", "ClickHouse", "PostHog"];

    private LlmAnalyticsConnection Demo(string source) => source switch
    {
        "ClickHouse" => engine.DemoConnectionOverClickHouse(),
        "PostHog" => engine.DemoConnectionOverPostHog(),
        _ => engine.DemoConnection(),
    };

    [Theory]
    [MemberData(nameof(Sources))]
    public async Task On_every_source_the_demos_evaluation_run_reads_and_measures_as_stored(string source)
    {
        var connection = Demo(source);
        var demoRun = engine.DemoData.Runs.Single(r => r.Level == ClusterLevel.evaluation);
        var runId = ClusterRunId.Parse(demoRun.RunId);
        var run = await new ClusterReader(connection).ReadClustersAsync(runId, CancellationToken.None);
        var measured = (await new ClusterMetricsReader(connection).MeasureAsync(run, MetricsDimension.None, CancellationToken.None)).ToDictionary(m => m.ClusterId);
        foreach (var stored in run.Clusters)
        {
            var live = measured[stored.ClusterId];
            Assert.Equal(stored.ItemCount, live.ItemCount);
            Assert.Equal(stored.PassRate, live.PassRate is { } p ? Math.Round(p, 8) : null);
            Assert.Equal(stored.NaRate, live.NaRate is { } n ? Math.Round(n, 8) : null);
            Assert.Equal(stored.AvgCost, live.AvgCost is { } c ? Math.Round(c, 8) : null);
            Assert.Equal(stored.AvgLatency, live.AvgLatency is { } l ? Math.Round(l, 8) : null);
            Assert.Equal(stored.ErrorCount, live.ErrorCount);
            Assert.Equal(stored.DominantEvaluationName, live.DominantEvaluationName);
            Assert.Equal(stored.DominantRuntime, live.DominantRuntime);
        }

        // Each item names the generation it judged, and the verdict the demo wrote.
        var written = engine.DemoData.Traces.SelectMany(t => t.Evaluations).ToDictionary(e => e.Uuid.ToString("D"));
        var items = await new ClusterReader(connection).ReadItemsAsync(runId, null, null, CancellationToken.None);
        Assert.Equal(demoRun.Clusters.Sum(c => c.ItemKeys.Count), items.Count);
        Assert.All(items, i =>
        {
            Assert.Equal(written[i.ItemId].GenerationUuid.ToString("D"), i.GenerationId);
            Assert.Equal(written[i.ItemId].Verdict, i.Verdict);
        });

        // A trace run's clusters carry the verdicts on their traces, the same on every source.
        var traceRun = engine.DemoData.Runs.Where(r => r.Level == ClusterLevel.trace && !r.IsLegacy).MaxBy(r => r.WindowEnd)!;
        var traces = await new ClusterReader(connection).ReadClustersAsync(ClusterRunId.Parse(traceRun.RunId), CancellationToken.None);
        var byTrace = (await new ClusterMetricsReader(connection).MeasureAsync(traces, MetricsDimension.None, CancellationToken.None)).ToDictionary(m => m.ClusterId);
        var expected = traceRun.Clusters.ToDictionary(c => c.ClusterId, c =>
        {
            var mine = c.ItemKeys.ToHashSet();
            return VerdictCounts.Of(engine.DemoData.Traces.Where(t => mine.Contains(t.TraceId)).SelectMany(t => t.Evaluations)
                .Where(e => e.Timestamp >= traceRun.WindowStart && e.Timestamp <= traceRun.WindowEnd.AddDays(1)).Select(e => e.Verdict));
        });
        Assert.All(byTrace.Values, m => Assert.Equal((expected[m.ClusterId].Evaluations, expected[m.ClusterId].PassRate), (m.EvaluationCount, m.PassRate)));
        Assert.Contains(byTrace.Values, m => m.EvaluationCount > 0);
    }
}
