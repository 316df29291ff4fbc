using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Queries.Rows;

namespace LlmClusters.Core.Demo;

/// <summary>
/// Writes clustering-run events in PostHog's format over the generated traffic. Membership follows each item's
/// kind of traffic (a few items go to noise), so every item exists in its run's window and the clusters are
/// the ones a good clustering would find. Metrics follow PostHog's definitions over the window's events.
/// </summary>
internal sealed class DemoRunGenerator(DemoDataOptions options, DemoRandom random)
{
    private static readonly DemoRunPlan[] Plans =
    [
        new(ClusterLevel.trace, "Default - traces", true, null, 1, 0, 9, "hdbscan", DemoMetricsForm.Present),
        new(ClusterLevel.trace, "Default - traces", true, null, 2, 1, 9, "hdbscan", DemoMetricsForm.Absent),
        new(ClusterLevel.generation, "Default - generations", true, null, 1, 0, 6, "kmeans", DemoMetricsForm.Present),
        new(ClusterLevel.trace, "Support: billing & login", true, null, 3, 2, 8, "hdbscan", DemoMetricsForm.Null, OnlyKinds: ["billing", "auth"]),
        new(ClusterLevel.trace, null, false, "manual", 7, 0, 3, "kmeans", DemoMetricsForm.Present),
        new(ClusterLevel.trace, null, false, null, 6, 5, 4, "kmeans", DemoMetricsForm.Absent, Legacy: true),
        new(ClusterLevel.evaluation, "Default - evaluations", true, null, 1, 0, 2, "hdbscan", DemoMetricsForm.Present),
    ];

    public List<DemoClusterRun> Generate(IReadOnlyList<DemoTrace> traces)
    {
        var jobIds = new Dictionary<string, string>();
        var runs = new List<DemoClusterRun>();
        foreach (var plan in Plans)
        {
            string? jobId = null;
            if (plan.HasJob && plan.JobName is not null && !jobIds.TryGetValue(plan.JobName, out jobId))
                jobIds[plan.JobName] = jobId = random.Uuid().ToString("D");
            var run = Make(plan, jobId, traces);
            if (run is not null) runs.Add(run);
        }
        return runs;
    }

    private sealed record Item(string Key, string TraceId, string? GenerationId, DemoTrafficKind Kind, DateTime Timestamp, IReadOnlyList<DemoEvent> Events)
    {
        /// <summary>Evaluation-level items: the evaluation (the item) and the generation it judged.</summary>
        public DemoEvaluation? Evaluation { get; init; }

        /// <summary>
        /// What the item's cluster gathers: its kind of traffic, or an evaluation's evaluator and verdict (the judge's
        /// passes by kind of traffic, as its reasoning names it, so that no cluster holds half the run).
        /// </summary>
        public string Group => Evaluation is not { } e ? Kind.Key
            : e.Name == DemoEvaluator.Judge && e.Verdict == EvaluationVerdict.Pass ? $"{e.Name}: {e.Verdict} on {Kind.TraceName}"
            : $"{e.Name}: {e.Verdict}";
    }

    /// <summary>
    /// An evaluation run's items as PostHog's workflow stores them: keyed by the evaluation's uuid, which also fills the
    /// generation_id slot; the judged trace as trace_id; the window's end as every item's timestamp.
    /// </summary>
    private static List<Item> Evaluations(IEnumerable<DemoTrace> traces, DateTime windowStart, DateTime windowEnd) =>
        traces.SelectMany(t => t.Evaluations.Where(e => e.Timestamp >= windowStart && e.Timestamp < windowEnd).Select(e =>
            new Item(e.Uuid.ToString("D"), t.TraceId, e.Uuid.ToString("D"), t.Kind, windowEnd, t.Events.Where(g => g.Uuid == e.GenerationUuid).ToList())
            {
                Evaluation = e,
            })).ToList();

    private DemoClusterRun? Make(DemoRunPlan plan, string? jobId, IReadOnlyList<DemoTrace> traces)
    {
        var windowEnd = options.End.AddDays(-plan.WindowEndDaysBack);
        var windowStart = options.End.AddDays(-plan.WindowStartDaysBack);
        var inWindow = traces.Where(t => t.Start >= windowStart && t.Start < windowEnd && (plan.OnlyKinds is null || plan.OnlyKinds.Contains(t.Kind.Key)));
        var items = plan.Level == ClusterLevel.evaluation ? Evaluations(inWindow, windowStart, windowEnd)
            : plan.Level == ClusterLevel.generation
            ? inWindow.SelectMany(t => t.Events.Where(e => e.Event == "$ai_generation" && e.Timestamp < windowEnd)
                .Select(e => new Item(e.Uuid.ToString("D"), t.TraceId, e.Uuid.ToString("D"), t.Kind, e.Timestamp, [e]))).ToList()
            : inWindow.Select(t => new Item(t.TraceId, t.TraceId, null, t.Kind, t.Start,
                t.Events.Where(e => e.Timestamp >= windowStart && e.Timestamp < windowEnd).ToList())).ToList();
        if (items.Count == 0) return null;
        var maxSamples = plan.RunLabel == "manual" ? options.ManualRunMaxSamples ?? options.MaxSamples : options.MaxSamples;
        if (items.Count > maxSamples)
        {
            random.Shuffle(items);
            items = items.Take(maxSamples).ToList();
        }

        var noise = new List<Item>();
        var byKind = new Dictionary<string, List<Item>>();
        foreach (var item in items)
        {
            if (plan.Method == "hdbscan" && random.Chance(0.06)) noise.Add(item);
            else (byKind.TryGetValue(item.Group, out var list) ? list : byKind[item.Group] = []).Add(item);
        }
        var groups = byKind.OrderByDescending(g => g.Value.Count).ThenBy(g => g.Key, StringComparer.Ordinal).ToList();

        var runId = plan.Legacy
            ? $"{options.TeamId}_{windowEnd:yyyyMMdd}_{windowEnd:HHmmss}"
            : $"{options.TeamId}_{plan.Level}_{windowEnd:yyyyMMdd}_{windowEnd:HHmmss}" + (jobId is null ? "" : "_" + jobId) + (plan.RunLabel is null ? "" : "_" + plan.RunLabel);
        var clusters = new List<DemoCluster>();
        var drafts = new List<RunEventCluster>();
        for (var i = 0; i < groups.Count; i++)
        {
            var kind = groups[i].Value[0].Kind;
            // Legacy runs kept PostHog's default titles for some clusters; evaluation clusters are named by what they hold.
            var title = plan.Level == ClusterLevel.evaluation ? groups[i].Key : plan.Legacy && i % 2 == 1 ? $"Cluster {i}" : kind.ClusterTitle;
            var description = plan.Level == ClusterLevel.evaluation ? $"Evaluations by {groups[i].Key.Replace(": ", " with the verdict ", StringComparison.Ordinal)}." : kind.ClusterDescription;
            drafts.Add(Cluster(plan, i, title, description, groups[i].Value, isNoise: false));
            clusters.Add(new DemoCluster(i, plan.Level == ClusterLevel.evaluation ? groups[i].Key : kind.Key, drafts[^1].Items.Select(item => item.Key).ToList()));
        }
        if (noise.Count > 0)
        {
            drafts.Add(Cluster(plan, -1, "Outliers", "Items that did not fit any cluster.", noise, isNoise: true));
            clusters.Add(new DemoCluster(-1, null, drafts[^1].Items.Select(item => item.Key).ToList()));
        }
        var draft = new RunEventDraft
        {
            RunId = runId, Level = plan.Level, JobId = jobId, JobName = plan.JobName, WindowStart = windowStart, WindowEnd = windowEnd,
            TotalItems = items.Count, Clusters = drafts, Legacy = plan.Legacy,
            WriteParams = w =>
            {
                w.WriteString("clustering_method", plan.Method);
                w.WriteStartObject("clustering_method_params");
                if (plan.Method == "hdbscan") { w.WriteNumber("min_cluster_size_fraction", 0.05); w.WriteNumber("min_samples", 5); }
                else { w.WriteNumber("min_k", 2); w.WriteNumber("max_k", 10); }
                w.WriteEndObject();
                w.WriteString("embedding_normalization", "l2");
                w.WriteString("dimensionality_reduction_method", "umap");
                w.WriteNumber("dimensionality_reduction_ndims", 100);
                w.WriteString("visualization_method", plan.Method == "hdbscan" ? "umap" : "pca");
                w.WriteNumber("max_samples", maxSamples);
            },
        };

        var eventName = ClusterQueries.EventForLevel(plan.Level);
        var at = windowEnd.AddMinutes(plan.MinutesAfterWindow);
        var uuid = random.Uuid();
        var row = RunEventWriter.Row(draft, uuid, at, options.TeamId);
        var runEvent = new DemoEvent(uuid, eventName, at, "", null, 0, 0, 0, 0, false, row);
        return new DemoClusterRun(runId, plan.Legacy ? ClusterLevel.trace : plan.Level, windowStart, windowEnd, plan.Legacy,
            plan.Metrics == DemoMetricsForm.Present, runEvent, clusters);
    }

    private RunEventCluster Cluster(DemoRunPlan plan, int clusterId, string title, string description, List<Item> items, bool isNoise)
    {
        var angle = 2 * Math.PI * (clusterId + 1) / 8.0;
        var cx = Math.Round(5 * Math.Cos(angle), 4);
        var cy = Math.Round(5 * Math.Sin(angle), 4);
        var placed = items.Select(item => (Item: item, Distance: Math.Round(isNoise ? random.Between(0.6, 1.2) : random.Between(0.05, 0.55), 6))).ToList();
        // Rank 0 is the most central item; in the noise cluster it is the most anomalous.
        placed = isNoise ? placed.OrderByDescending(p => p.Distance).ToList() : placed.OrderBy(p => p.Distance).ToList();
        var ranked = new List<RunEventItem>(placed.Count);
        for (var rank = 0; rank < placed.Count; rank++)
        {
            var (item, distance) = placed[rank];
            var x = Math.Round(isNoise ? random.Between(-9.0, 9.0) : cx + random.Gaussian() * 0.8, 4);
            var y = Math.Round(isNoise ? random.Between(-9.0, 9.0) : cy + random.Gaussian() * 0.8, 4);
            ranked.Add(new RunEventItem(item.Key, distance, rank, x, y, item.Timestamp, item.TraceId, item.GenerationId));
        }
        var centroid = isNoise ? [] : Enumerable.Range(0, 8).Select(_ => Math.Round(random.Between(-1.0, 1.0), 5)).ToList();
        // Noise has no centroid; PostHog's workflow places it at the mean of its items.
        return new RunEventCluster(clusterId, title, description, ranked, centroid,
            isNoise ? Math.Round(ranked.Select(i => i.X).DefaultIfEmpty().Average(), 4) : cx, isNoise ? Math.Round(ranked.Select(i => i.Y).DefaultIfEmpty().Average(), 4) : cy)
        {
            Metrics = plan.Metrics != DemoMetricsForm.Present ? null : plan.Level == ClusterLevel.evaluation ? EvaluationMetrics(items) : Metrics(items),
            MetricsAsNull = plan.Metrics == DemoMetricsForm.Null,
        };
    }

    /// <summary>
    /// The metrics PostHog's clustering workflow stores (trace_clustering/data.py and aggregates.py) over each item's
    /// generations, embeddings and spans in the window: cost and tokens of generations and embeddings, latency summed
    /// over generations, an item failed when one of those events did; no error rate without items.
    /// </summary>
    private static RunEventMetrics Metrics(List<Item> items)
    {
        var costs = new List<double>();
        var latencies = new List<double>();
        var tokens = new List<double>();
        int itemCount = 0, errors = 0;
        foreach (var item in items)
        {
            var events = item.Events.Where(e => e.Event is "$ai_generation" or "$ai_embedding" or "$ai_span").ToList();
            if (events.Count == 0) continue;
            itemCount++;
            var priced = events.Where(e => e.Event is "$ai_generation" or "$ai_embedding").ToList();
            var cost = priced.Sum(e => e.Cost);
            var latency = events.Where(e => e.Event == "$ai_generation").Sum(e => e.Latency);
            var tokenSum = priced.Sum(e => (double)(e.InputTokens + e.OutputTokens));
            if (cost > 0) costs.Add(cost);
            if (latency > 0) latencies.Add(latency);
            if (tokenSum > 0) tokens.Add(tokenSum);
            if (events.Any(e => e.IsError)) errors++;
        }
        return new RunEventMetrics(itemCount, Mean(costs), Mean(latencies), Mean(tokens), costs.Count > 0 ? costs.Sum() : null, errors,
            itemCount == 0 ? null : (double)errors / itemCount);
    }

    /// <summary>
    /// The metrics PostHog's evaluation clustering workflow stores (evaluation_clustering/aggregates.py), by the same
    /// rules Measure-ClusterMetrics computes them live (<see cref="EvaluationRunFigures"/>).
    /// </summary>
    private static RunEventMetrics EvaluationMetrics(List<Item> items)
    {
        var clusterItems = items.Select(i => new ClusterItem
        {
            RunId = "", ItemId = i.Key, Level = ClusterLevel.evaluation, GenerationId = i.Evaluation!.GenerationUuid.ToString("D"),
            EvaluationName = i.Evaluation.Name, Verdict = i.Evaluation.Verdict, Runtime = i.Evaluation.Runtime, JudgeCost = i.Evaluation.JudgeCost,
        }).ToList();
        var generations = items.SelectMany(i => i.Events).DistinctBy(e => e.Uuid).ToDictionary(e => e.Uuid.ToString("D"), e => new JudgedGenerationRow(e.Uuid.ToString("D"))
        {
            Cost = e.Cost, Latency = e.Latency, InputTokens = e.InputTokens, OutputTokens = e.OutputTokens, Model = e.Model,
            // The SDKs write $ai_is_error on failures only.
            IsError = e.IsError ? true : null,
        });
        return EvaluationRunFigures.Of(clusterItems, generations).ToRunEventMetrics();
    }

    private static double? Mean(List<double> values) => values.Count == 0 ? null : values.Average();
}
