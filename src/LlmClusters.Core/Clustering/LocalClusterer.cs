using System.Diagnostics;
using System.Text.Json;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Core.Traces;

namespace LlmClusters.Core.Clustering;

/// <summary>
/// Clusters a window's traces (or generations) on this machine and writes the run as PostHog writes its own: sample,
/// read the items' events, one text per item, embed locally, reduce with PCA, cluster (HDBSCAN or k-means), place and
/// rank the items, name the clusters by their distinctive words, measure them with the metrics query, and write one
/// $ai_*_clusters event. Reads go to the connection; the event goes to <c>target</c> (the same connection, or a local
/// folder when the connection is PostHog's API, which the module never writes to).
/// </summary>
public sealed class LocalClusterer(LlmAnalyticsConnection connection, QueryRunner target, ITextEmbedder embedder, IQueryObserver? observer = null)
{
    public const string RunLabel = "local";
    private const int EmbedBatch = 64;
    private const int MaxCandidates = 100_000;

    private readonly QueryRunner _reader = connection.CreateRunner(observer);
    private readonly Dictionary<ClusteringStage, TimeSpan> _timings = new();

    // Name is what a cluster's title may start with: the trace's name, or an evaluation's evaluator and verdict.
    private sealed record Item(string Key, string TraceId, string? GenerationId, DateTime Timestamp, string? Name, string Text)
    {
        public string? SummaryTitle { get; init; }

        /// <summary>Evaluation-level items: the evaluation as Get-ClusterItem reads it, for the run's figures.</summary>
        public ClusterItem? Judged { get; init; }
    }

    public async Task<LocalClusteringResult> RunAsync(ClusteringOptions options, IProgress<ClusteringProgress>? progress, CancellationToken cancellationToken)
    {
        var table = await _reader.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        var clock = Stopwatch.StartNew();
        void Done(ClusteringStage stage)
        {
            _timings[stage] = _timings.GetValueOrDefault(stage) + clock.Elapsed;
            clock.Restart();
        }

        progress?.Report(new ClusteringProgress(ClusteringStage.Sample, 0, 0));
        var sample = await _reader.ListAsync(ClusteringQueries.SampleItems(table, options.Level, options.Since, options.Until, connection.TeamId,
            options.TraceFilter is null ? options.MaxSamples : Math.Max(options.MaxSamples, MaxCandidates), options.Seed, options.PropertyFilter), cancellationToken).ConfigureAwait(false);
        var evaluations = options.Level == ClusterLevel.evaluation;
        // An evaluation need not name its trace; a trace or generation without one cannot be read.
        var candidates = sample.Select(r => (r.Item, r.TraceId, Seen: r.FirstSeen ?? options.Since, r.Team)).Where(c => evaluations || c.TraceId.Length > 0).ToList();
        Done(ClusteringStage.Sample);
        if (candidates.Count == 0) throw new NothingToClusterException(options);

        var items = evaluations
            ? await ReadEvaluationsAsync(table, candidates.Select(c => c.Item).ToList(), options, progress, cancellationToken).ConfigureAwait(false)
            : await ReadItemsAsync(candidates.Select(c => (c.Item, c.TraceId, c.Seen)).ToList(), options, progress, cancellationToken).ConfigureAwait(false);
        var bySummary = false;
        if (!evaluations) (items, bySummary) = await WithSummariesAsync(items, options, cancellationToken).ConfigureAwait(false);
        Done(ClusteringStage.Read);
        if (items.Count < 3) throw new NothingToClusterException(options, items.Count);
        if (options.K is { } k && k > items.Count / 2) throw new TooManyClustersException(k, items.Count);

        // Texts of like length are embedded together: a batch is padded to its longest text, and a text's vector does
        // not depend on its batch, so the order only saves work.
        var vectors = new float[items.Count][];
        var done = 0;
        foreach (var batch in Enumerable.Range(0, items.Count).OrderBy(i => items[i].Text.Length).ThenBy(i => i).Chunk(EmbedBatch))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var embedded = embedder.Embed(batch.Select(i => items[i].Text).ToList(), cancellationToken);
            for (var j = 0; j < batch.Length; j++) vectors[batch[j]] = embedded[j];
            done += batch.Length;
            progress?.Report(new ClusteringProgress(ClusteringStage.Embed, done, items.Count));
        }
        Done(ClusteringStage.Embed);

        progress?.Report(new ClusteringProgress(ClusteringStage.Reduce, 0, items.Count));
        var dimensions = Math.Clamp(options.Dimensions, 2, Math.Max(2, items.Count - 1));
        var reduced = Pca.Project(vectors, dimensions);
        Done(ClusteringStage.Reduce);

        progress?.Report(new ClusteringProgress(ClusteringStage.Cluster, 0, items.Count));
        var (labels, methodParams) = Cluster(reduced, options);
        Done(ClusteringStage.Cluster);

        progress?.Report(new ClusteringProgress(ClusteringStage.Describe, 0, items.Count));
        // Named by what PostHog's labeling agent reads: the summary titles, when those were embedded.
        var terms = ClusterTerms.Distinctive(items.Select(i => bySummary ? i.SummaryTitle! : i.Text).ToList(), labels, top: 6);
        var clusters = Place(items, reduced, labels, terms, bySummary);
        Done(ClusteringStage.Describe);

        progress?.Report(new ClusteringProgress(ClusteringStage.Measure, 0, items.Count));
        var metrics = evaluations
            ? await MeasureEvaluationsAsync(items, clusters, options, cancellationToken).ConfigureAwait(false)
            : await new ClusterMetricsReader(connection, observer).MeasureMembershipAsync(options.Level, options.Since, options.Until,
                clusters.SelectMany(c => c.Items.Select(i => (c.ClusterId, i.Key))).ToList(), options.MembersPerQuery, cancellationToken).ConfigureAwait(false);
        clusters = clusters.Select(c => c with { Metrics = metrics.GetValueOrDefault(c.ClusterId) ?? new RunEventMetrics(0, null, null, null, null, 0, null) }).ToList();
        Done(ClusteringStage.Measure);

        var team = connection.TeamId ?? candidates.Select(c => c.Team).FirstOrDefault(t => t is not null) ?? options.DefaultTeamId;
        var runId = $"{team}_{options.Level}_{options.Until:yyyyMMdd}_{options.Until:HHmmss}_{RunLabel}";
        var draft = new RunEventDraft
        {
            RunId = runId, Level = options.Level, WindowStart = options.Since, WindowEnd = options.Until, TotalItems = items.Count, Clusters = clusters,
            WriteParams = w => WriteParams(w, options, methodParams, dimensions, embedder.ModelName,
                evaluations ? "evaluation name, verdict and reasoning" : bySummary ? "PostHog's summary: title, flow, bullets, notes" : "trace name, span names, user input, final output (no LLM summary)"),
        };
        var row = RunEventWriter.Row(draft, Guid.NewGuid(), WrittenAt(DateTime.UtcNow, ClusterRunId.Parse(runId)), team);
        progress?.Report(new ClusteringProgress(ClusteringStage.Write, 0, 1));
        await target.InsertJsonRowsAsync([row], cancellationToken).ConfigureAwait(false);
        Done(ClusteringStage.Write);
        return new LocalClusteringResult(runId, items.Count, clusters.Count(c => c.ClusterId >= 0), clusters.FirstOrDefault(c => c.ClusterId == -1)?.Items.Count ?? 0, _timings)
        {
            EventRow = row,
            EmbeddedSummaries = bySummary,
        };
    }

    /// <summary>
    /// When the run event is written: now, as PostHog's workflow writes it when the run ends, but never outside the
    /// UTC day the run id names (from its window end to the day's last microsecond), since PostHog's page and
    /// Get-LlmCluster look for a run in that day only.
    /// </summary>
    internal static DateTime WrittenAt(DateTime utcNow, ClusterRunId runId)
    {
        var at = utcNow < runId.WindowEnd ? runId.WindowEnd : utcNow > runId.DayEnd ? runId.DayEnd : utcNow;
        return new DateTime(at.Ticks - at.Ticks % 10, DateTimeKind.Utc);
    }

    /// <summary>The sampled items with their texts, read trace by trace; with a trace filter, read until enough pass it.</summary>
    private async Task<List<Item>> ReadItemsAsync(List<(string Item, string TraceId, DateTime Seen)> candidates, ClusteringOptions options,
        IProgress<ClusteringProgress>? progress, CancellationToken cancellationToken)
    {
        var reader = new TraceReader(connection, observer);
        var items = new List<Item>();
        var byGeneration = options.Level == ClusterLevel.generation;
        foreach (var batch in candidates.Chunk(TraceReader.BatchSize))
        {
            var requests = batch.Select(c => c.TraceId).Distinct().Select(id => new TraceRequest(id, options.Since, options.Until)).ToList();
            var (traces, _) = await reader.ReadAsync(requests, cancellationToken).ConfigureAwait(false);
            var byId = traces.ToDictionary(t => t.TraceId, StringComparer.Ordinal);
            foreach (var candidate in batch)
            {
                if (!byId.TryGetValue(candidate.TraceId, out var trace) || (options.TraceFilter is { } accept && !accept(trace))) continue;
                if (!byGeneration)
                {
                    items.Add(new Item(candidate.Item, trace.TraceId, null, trace.StartTime ?? candidate.Seen, trace.TraceName, ItemText.ForTrace(trace, options.MaxTextLength)));
                }
                else if (trace.Events.FirstOrDefault(e => e.Uuid.ToString("D") == candidate.Item) is { } generation)
                {
                    items.Add(new Item(candidate.Item, trace.TraceId, candidate.Item, generation.Timestamp, trace.TraceName, ItemText.ForGeneration(trace, generation, options.MaxTextLength)));
                }
                if (items.Count == options.MaxSamples) break;
            }
            progress?.Report(new ClusteringProgress(ClusteringStage.Read, items.Count, Math.Min(options.MaxSamples, candidates.Count)));
            if (items.Count == options.MaxSamples) break;
        }
        return items;
    }

    /// <summary>
    /// The items with the newest summary PostHog wrote of each in the window (one statement per 2,000), and whether the
    /// summaries are what is embedded: asked for, or (Auto) when at least half the items have one. Then only the
    /// summarized items are clustered, as PostHog's clustering embeds summaries only, and the rest are said to be left out.
    /// </summary>
    private async Task<(List<Item> Items, bool BySummary)> WithSummariesAsync(List<Item> items, ClusteringOptions options, CancellationToken cancellationToken)
    {
        if (options.Text == ItemTextSource.Content || items.Count == 0) return (items, false);
        var summaries = await new ClusterReader(connection, observer).ReadSummariesAsync(options.Level, options.Since, options.Until,
            items.Select(i => i.GenerationId ?? i.TraceId), cancellationToken).ConfigureAwait(false);
        var summarized = items.Where(i => summaries.ContainsKey(i.GenerationId ?? i.TraceId)).ToList();
        if (options.Text == ItemTextSource.Auto && summarized.Count * 2 < items.Count) return (items, false);
        if (summarized.Count < items.Count)
            _reader.Notice($"{items.Count - summarized.Count} of the {items.Count} sampled {options.Level}s have no summary from PostHog in the window and are left out: " +
                           "PostHog's clustering embeds summaries only. Cluster them all by their content with -Text Content.");
        return (summarized.Select(i =>
        {
            var summary = summaries[i.GenerationId ?? i.TraceId];
            return i with { Text = ItemText.ForSummary(summary, options.MaxTextLength), SummaryTitle = summary.ToString() };
        }).ToList(), true);
    }

    /// <summary>
    /// The sampled evaluations with their texts, read from their events (one statement per 2,000): what PostHog's
    /// evaluation clustering embeds, and what its figures need.
    /// </summary>
    private async Task<List<Item>> ReadEvaluationsAsync(EventsTable table, List<string> sampled, ClusteringOptions options, IProgress<ClusteringProgress>? progress,
        CancellationToken cancellationToken)
    {
        var items = new List<Item>();
        foreach (var page in sampled.Take(options.MaxSamples).Chunk(EvaluationQueries.ItemsPerStatement))
        {
            foreach (var row in await _reader.ListAsync(EvaluationQueries.ItemEvaluations(table, options.Since, options.Until, connection.TeamId, page), cancellationToken).ConfigureAwait(false))
            {
                var judged = new ClusterItem
                {
                    RunId = "", ItemId = row.EvaluationId, Level = ClusterLevel.evaluation, EvaluationId = row.EvaluationId, TraceId = row.TraceId,
                    GenerationId = ClusterReader.CanonicalUuid(row.TargetId), EvaluationName = row.Name, Verdict = row.Verdict, Runtime = row.Runtime,
                    Reasoning = row.Reasoning, JudgeCost = row.JudgeCost,
                };
                // As PostHog's workflow stores an evaluation: its own uuid in generation_id, the judged trace (or itself) as trace_id.
                items.Add(new Item(row.EvaluationId, row.TraceId ?? row.EvaluationId, row.EvaluationId, options.Until, $"{row.Name ?? "Evaluation"}: {row.Verdict}",
                    ItemText.ForEvaluation(row.Name, row.Verdict, row.Reasoning, options.MaxTextLength)) { Judged = judged });
            }
            progress?.Report(new ClusteringProgress(ClusteringStage.Read, items.Count, Math.Min(options.MaxSamples, sampled.Count)));
        }
        return items;
    }

    /// <summary>An evaluation run's figures as PostHog's workflow stores them (<see cref="EvaluationRunFigures"/>), from the judged generations.</summary>
    private async Task<IReadOnlyDictionary<int, RunEventMetrics>> MeasureEvaluationsAsync(List<Item> items, List<RunEventCluster> clusters,
        ClusteringOptions options, CancellationToken cancellationToken)
    {
        var judged = items.ToDictionary(i => i.Key, i => i.Judged!, StringComparer.Ordinal);
        var generations = await new ClusterReader(connection, observer).ReadJudgedGenerationsAsync(options.Since - EvaluationQueries.LookBehind,
            options.Until + EvaluationQueries.LookAhead, judged.Values.Select(j => j.GenerationId).OfType<string>(), cancellationToken).ConfigureAwait(false);
        return clusters.ToDictionary(c => c.ClusterId, c => EvaluationRunFigures.Of(c.Items.Select(i => judged[i.Key]).ToList(), generations).ToRunEventMetrics());
    }

    private static (int[] Labels, Dictionary<string, object> Params) Cluster(double[][] points, ClusteringOptions options)
    {
        if (options.Method == ClusteringMethod.kmeans)
        {
            if (options.K is { } k)
                return (KMeans.Cluster(points, k, options.Seed), new() { ["k"] = k });
            var chosen = KMeans.ChooseK(points, options.MinK, options.MaxK, options.Seed);
            return (chosen.Labels, new() { ["k"] = chosen.K, ["min_k"] = options.MinK, ["max_k"] = options.MaxK, ["silhouette"] = Math.Round(chosen.Silhouette, 4) });
        }
        var minClusterSize = options.MinClusterSizeFor(points.Length);
        // As PostHog's workflow: a core distance never needs more neighbours than the smallest cluster holds.
        var minSamples = Math.Min(options.MinSamples, minClusterSize);
        var maxClusterSize = options.MaxClusterSizeFor(points.Length);
        var used = new Dictionary<string, object>
        {
            ["min_cluster_size"] = minClusterSize, ["min_samples"] = minSamples, ["max_cluster_size_fraction"] = options.MaxClusterSizeFraction,
        };
        if (options.MinClusterSize is null) used["min_cluster_size_fraction"] = options.MinClusterSizeFraction;
        return (Hdbscan.Cluster(points, minClusterSize, minSamples, maxClusterSize), used);
    }

    /// <summary>
    /// Each cluster's items by rank: distance to the cluster's centroid in the reduced space (rank 0 the closest); noise
    /// items by their distance to the nearest centroid, the most anomalous first. x and y are the first two components.
    /// </summary>
    private static List<RunEventCluster> Place(List<Item> items, double[][] reduced, int[] labels, IReadOnlyDictionary<int, IReadOnlyList<string>> terms, bool bySummary)
    {
        var membersOf = Enumerable.Range(0, items.Count).GroupBy(i => labels[i]).ToDictionary(g => g.Key, g => g.ToList());
        var centroids = membersOf.Where(m => m.Key >= 0).ToDictionary(m => m.Key,
            m => Enumerable.Range(0, reduced[0].Length).Select(d => m.Value.Average(i => reduced[i][d])).ToArray());
        var clusters = new List<RunEventCluster>();
        foreach (var id in centroids.Keys.Order().Append(-1))
        {
            if (!membersOf.TryGetValue(id, out var members)) continue;
            var placed = members.Select(i => (Index: i, Distance: id >= 0
                    ? Vectors.Distance(reduced[i], centroids[id])
                    : centroids.Count == 0 ? 0 : centroids.Values.Min(c => Vectors.Distance(reduced[i], c))))
                .ToList();
            placed = (id >= 0 ? placed.OrderBy(p => p.Distance) : placed.OrderByDescending(p => p.Distance)).ThenBy(p => items[p.Index].Key, StringComparer.Ordinal).ToList();
            var ranked = placed.Select((p, rank) => new RunEventItem(items[p.Index].Key, Math.Round(p.Distance, 6), rank,
                Math.Round(reduced[p.Index][0], 4), Math.Round(reduced[p.Index][1], 4), items[p.Index].Timestamp, items[p.Index].TraceId, items[p.Index].GenerationId)).ToList();
            // By summary, the title's words all come from the summary titles, as PostHog's agent names a cluster from them.
            var title = id < 0 ? "Outliers" : Title(members.Select(i => bySummary ? null : items[i].Name).ToList(), terms.GetValueOrDefault(id) ?? []) ?? ClusterReader.DefaultTitle(id);
            // By summary, a cluster is described by the titles of its most central items, as PostHog's agent reads them.
            var central = bySummary
                ? string.Join("; ", placed.Select(p => items[p.Index].SummaryTitle).Distinct(StringComparer.Ordinal).Take(3))
                : items[placed[0].Index].Text;
            var description = id < 0 ? "Items that did not fit any cluster. Most anomalous: " + Trim(central, 240) : Trim(central, 300);
            // Noise has no centroid; as PostHog's workflow does, its point on the map is the mean of its items'.
            clusters.Add(new RunEventCluster(id, title, description, ranked,
                id >= 0 ? centroids[id].Select(v => Math.Round(v, 6)).ToList() : [],
                Math.Round(id >= 0 ? centroids[id][0] : members.Average(i => reduced[i][0]), 4),
                Math.Round(id >= 0 ? centroids[id][1] : members.Average(i => reduced[i][1]), 4)));
        }
        return clusters;
    }

    /// <summary>
    /// "name: word, word, word": the trace name most of the cluster's items carry (when most carry one), then the words
    /// that set the cluster apart. Two clusters of one kind of trace then share the name and differ by their words.
    /// </summary>
    private static string? Title(List<string?> names, IReadOnlyList<string> words)
    {
        var common = names.Where(n => !string.IsNullOrWhiteSpace(n)).GroupBy(n => n!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault();
        var name = common is not null && common.Count() * 2 >= names.Count ? common.Key : null;
        var nameWords = name is null ? [] : ClusterTerms.Words(name).ToHashSet();
        var rest = words.Where(w => !nameWords.Contains(w)).Take(3).ToList();
        if (rest.Count == 0) return name;
        return name is null ? string.Join(", ", rest) : $"{name}: {string.Join(", ", rest)}";
    }

    private static string Trim(string text, int length) => text.Length <= length ? text : text[..(length - 1)] + "…";

    /// <summary>$ai_clustering_params: what the run used, in PostHog's keys, plus the model and the seed.</summary>
    private static void WriteParams(Utf8JsonWriter w, ClusteringOptions options, Dictionary<string, object> methodParams, int dimensions, string model, string text)
    {
        w.WriteString("clustering_method", options.Method == ClusteringMethod.kmeans ? "kmeans" : "hdbscan");
        w.WritePropertyName("clustering_method_params");
        JsonSerializer.Serialize(w, methodParams);
        w.WriteString("embedding_normalization", "l2");
        w.WriteString("dimensionality_reduction_method", "pca");
        w.WriteNumber("dimensionality_reduction_ndims", dimensions);
        w.WriteString("visualization_method", "pca");
        w.WriteNumber("max_samples", options.MaxSamples);
        w.WriteString("embedding_model", model);
        w.WriteString("text_representation", text);
        w.WriteNumber("seed", options.Seed);
        w.WriteString("clustered_by", "LlmClusters Invoke-LlmClustering");
    }
}
