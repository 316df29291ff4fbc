using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Queries.Rows;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Clusters;

/// <summary>Reads clustering runs, their clusters, items and jobs from a connection, as model objects.</summary>
public sealed class ClusterReader
{
    private readonly LlmAnalyticsConnection _connection;
    private readonly QueryRunner _runner;

    public ClusterReader(LlmAnalyticsConnection connection, IQueryObserver? observer = null)
    {
        _connection = connection;
        _runner = connection.CreateRunner(observer);
    }

    private EventsTable Table => _runner.Source.Table;
    private Uri Host => _connection.PostHogHost;

    public async Task<IReadOnlyList<ClusterRun>> ListRunsAsync(RunFilter filter, CancellationToken cancellationToken)
    {
        var rows = await _runner.ListAsync(ClusterQueries.ListRuns(Table, filter with { TeamId = filter.TeamId ?? _connection.TeamId }), cancellationToken).ConfigureAwait(false);
        var unreadable = rows.Count(r => r.Run.RunId.Length == 0);
        if (unreadable > 0)
            _runner.Notice($"{(unreadable >= filter.First ? "At least " : "")}{unreadable} run event(s) between {filter.Since:u} and {filter.Until:u} could not be read " +
                           "(their properties are not JSON, or have no $ai_clustering_run_id) and are left out.");
        return rows.Where(r => r.Run.RunId.Length > 0).Select(r => ToRun(r.Run, r.ClusterCount, r.NoiseSize, r.LargestSize, r.ItemTotal)).ToList();
    }

    /// <summary>The newest run (of a level), looking back a week first and then a year, so the usual case reads little.</summary>
    public async Task<ClusterRun?> NewestRunAsync(ClusterLevel? level, DateTime utcNow, CancellationToken cancellationToken)
    {
        foreach (var days in new[] { 7, 365 })
        {
            var runs = await ListRunsAsync(new RunFilter { Since = utcNow.AddDays(-days), Until = utcNow.AddDays(1), Level = level, First = 1 }, cancellationToken).ConfigureAwait(false);
            if (runs.Count > 0) return runs[0];
        }
        return null;
    }

    /// <summary>A run's clusters: from the connection's memory when it read the run lately, else from its event (and then remembered).</summary>
    public Task<RunClusters> ReadClustersAsync(ClusterRunId runId, CancellationToken cancellationToken) =>
        _connection.Runs.GetOrReadAsync(runId, measured: false, _runner.Remembered, () => ReadRunEventAsync(runId, cancellationToken));

    private async Task<RunClusters> ReadRunEventAsync(ClusterRunId runId, CancellationToken cancellationToken)
    {
        var rows = await _runner.ListAsync(ClusterQueries.RunClusters(Table, runId, _connection.TeamId), cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0) throw new RunNotFoundException(runId.RunId, _connection.Location);
        if (!rows[0].PayloadValid) throw new InvalidRunPayloadException(runId.RunId);

        var problems = new List<string>();
        var clusters = new List<LlmCluster>();
        var level = rows[0].Run.Level;
        foreach (var row in rows.Where(r => r.HasCluster))
        {
            if (row.ClusterId is not { } id) { problems.Add("an entry of $ai_clusters has no numeric cluster_id (skipped)"); continue; }
            var clusterId = (int)id;
            var size = row.Size;
            if (size is null) problems.Add($"cluster {clusterId} has no numeric size (used its {row.ItemsInMap} items)");
            else if (size > 0 && row.ItemsInMap == 0) problems.Add($"cluster {clusterId} has size {size} but lists no item (its traces is not an object of items)");
            if (row.Title is null) problems.Add($"cluster {clusterId} has no title");
            var stored = row.StoredMetrics;
            // PostHog's clusters page shows a run's stored metrics only for evaluation-level runs; for the others it
            // computes its own, by other definitions, so the stored ones stay apart (StoredMetrics) until those are computed.
            var shown = level == ClusterLevel.evaluation ? stored : null;
            clusters.Add(new LlmCluster
            {
                RunId = runId.RunId,
                Level = level,
                ClusterId = clusterId,
                Title = row.Title ?? DefaultTitle(clusterId),
                Description = row.Description,
                Size = size ?? row.ItemsInMap,
                IsNoise = clusterId == -1,
                CentroidX = row.CentroidX,
                CentroidY = row.CentroidY,
                WindowStart = row.Run.WindowStart,
                WindowEnd = row.Run.WindowEnd,
                UiUrl = PostHogLinks.Cluster(Host, runId.TeamId, runId.RunId, clusterId),
                ItemCount = shown?.ItemCount,
                TotalCost = shown?.TotalCost,
                AvgCost = shown?.AvgCost,
                AvgLatency = shown?.AvgLatency,
                AvgTokens = shown?.AvgTokens,
                ErrorCount = shown?.ErrorCount,
                ErrorRate = shown?.ErrorRate,
                StoredMetrics = stored,
                PassRate = row.PassRate,
                NaRate = row.NaRate,
                DominantEvaluationName = row.DominantEvaluationName,
                DominantRuntime = row.DominantRuntime,
                AvgJudgeCost = row.AvgJudgeCost,
                SentimentLabel = row.SentimentLabel,
                SentimentScore = row.SentimentScore,
                MetricsSource = shown is not null ? MetricsSource.Run : MetricsSource.None,
            });
        }
        foreach (var twice in clusters.GroupBy(c => c.ClusterId).Where(g => g.Count() > 1))
            problems.Add($"cluster id {twice.Key} appears {twice.Count()} times");
        var run = ToRun(rows[0].Run, clusters.Count, clusters.Where(c => c.IsNoise).Sum(c => c.Size),
            clusters.Where(c => !c.IsNoise).Select(c => c.Size).DefaultIfEmpty(0).Max(), clusters.Sum(c => c.Size));
        if (run.WindowStart > run.WindowEnd) problems.Add($"its window starts ({run.WindowStart:u}) after it ends ({run.WindowEnd:u})");
        if (rows[0].Copies is > 1 and var copies) problems.Add($"{copies} events carry this run id; the newest is read");
        return new RunClusters(run, clusters, problems);
    }

    /// <param name="runId">The run.</param>
    /// <param name="clusterIds">Its clusters to read (all when null).</param>
    /// <param name="top">The first this many items by rank of each cluster (all when null).</param>
    /// <param name="cancellationToken">Stops the statements.</param>
    /// <param name="withSummaries">Also each item's newest summary in the run's window: one more statement per
    /// <see cref="SummaryQueries.ItemsPerStatement"/> items, for trace- and generation-level runs.</param>
    public async Task<IReadOnlyList<ClusterItem>> ReadItemsAsync(ClusterRunId runId, IReadOnlyCollection<int>? clusterIds, int? top, CancellationToken cancellationToken,
        bool withSummaries = false)
    {
        var rows = await _runner.ListAsync(ClusterQueries.ClusterItems(Table, runId, _connection.TeamId, clusterIds, top), cancellationToken).ConfigureAwait(false);
        var items = ToItems(runId, rows);
        if (items.Count > 0 && items[0].Level == ClusterLevel.evaluation) return await WithEvaluationsAsync(runId, items, cancellationToken).ConfigureAwait(false);
        return withSummaries ? await WithSummariesAsync(items, cancellationToken).ConfigureAwait(false) : items;
    }

    /// <summary>
    /// An evaluation run's items with what each evaluation judged and how, read from its $ai_evaluation event as
    /// PostHog's page reads them (from 7 days before the window to a day after it). The run stores the evaluation's
    /// uuid where other runs store the generation, so the judged generation comes from the event's $ai_target_event_id;
    /// an item whose event is gone keeps only what the run stores. Unreadable values are said once per run.
    /// </summary>
    private async Task<IReadOnlyList<ClusterItem>> WithEvaluationsAsync(ClusterRunId runId, List<ClusterItem> items, CancellationToken cancellationToken)
    {
        var evaluations = await ReadEvaluationsAsync(items, cancellationToken).ConfigureAwait(false);
        var (gone, unreadable, noTarget) = (0, 0, 0);
        var read = items.Select(item =>
        {
            // The run's trace_id slot holds the evaluation's own uuid when the workflow did not know the trace.
            var storedTrace = item.TraceId == item.ItemId ? null : item.TraceId;
            if (!evaluations.TryGetValue(item.ItemId, out var e))
            {
                gone++;
                return item with { EvaluationId = item.ItemId, GenerationId = null, TraceId = storedTrace, UiUrl = ItemLink(runId.TeamId, item.Level, storedTrace, null, item.Timestamp) };
            }
            var generation = CanonicalUuid(e.TargetId);
            if (generation is null) noTarget++;
            if (e.Verdict == EvaluationVerdict.Unknown && e.Result is not null) unreadable++;
            var trace = e.TraceId ?? storedTrace;
            return item with
            {
                EvaluationId = item.ItemId,
                GenerationId = generation,
                TraceId = trace,
                EvaluatorId = e.EvaluatorId,
                EvaluationName = e.Name,
                Verdict = e.Verdict,
                Reasoning = e.Reasoning,
                Runtime = e.Runtime,
                JudgeCost = e.JudgeCost,
                UiUrl = ItemLink(runId.TeamId, item.Level, trace, generation, e.EvaluatedAt ?? item.Timestamp),
            };
        }).ToList();
        var problems = new List<string>();
        if (gone > 0) problems.Add($"{gone} evaluation event(s) were not found between {EvaluationWindow(items[0]).Since:u} and {EvaluationWindow(items[0]).Until:u} (they have no verdict)");
        if (unreadable > 0) problems.Add($"{unreadable} evaluation(s) have a $ai_evaluation_result that is neither true nor false (their verdict is unknown, as PostHog reads them)");
        if (noTarget > 0) problems.Add($"{noTarget} evaluation(s) have no $ai_target_event_id that is a uuid (their generation is not known)");
        if (problems.Count > 0) _runner.Notice($"Run {runId}: {string.Join("; ", problems)}.");
        return read;
    }

    /// <summary>The $ai_evaluation events of evaluation-level items by uuid, one statement per <see cref="EvaluationQueries.ItemsPerStatement"/>.</summary>
    internal async Task<Dictionary<string, ItemEvaluationRow>> ReadEvaluationsAsync(IReadOnlyList<ClusterItem> items, CancellationToken cancellationToken)
    {
        var found = new Dictionary<string, ItemEvaluationRow>(StringComparer.Ordinal);
        if (items.Count == 0) return found;
        var (since, until) = EvaluationWindow(items[0]);
        var table = await _runner.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        foreach (var page in items.Select(i => i.ItemId).Distinct(StringComparer.Ordinal).Chunk(EvaluationQueries.ItemsPerStatement))
            foreach (var row in await _runner.ListAsync(EvaluationQueries.ItemEvaluations(table, since, until, _connection.TeamId, page), cancellationToken).ConfigureAwait(false))
                found[row.EvaluationId] = row;
        return found;
    }

    /// <summary>Where an evaluation run's items are looked for: PostHog's page's window, its run day when the run has none.</summary>
    internal static (DateTime Since, DateTime Until) EvaluationWindow(ClusterItem item) =>
        ((item.WindowStart ?? item.Timestamp ?? DateTime.UnixEpoch) - EvaluationQueries.LookBehind,
         (item.WindowEnd ?? item.Timestamp ?? DateTime.UtcNow) + EvaluationQueries.LookAhead);

    /// <summary>
    /// An evaluation run's clusters rebuilt from its items that match the filter (PostHog's page's evaluator and verdict
    /// filters): each cluster's size is its matching items, clusters left empty are dropped.
    /// </summary>
    public async Task<RunClusters> FilterByEvaluationsAsync(RunClusters run, EvaluationFilter filter, CancellationToken cancellationToken)
    {
        if (filter.IsEmpty) return run;
        var items = await ReadItemsAsync(ClusterRunId.Parse(run.Run.RunId), null, null, cancellationToken).ConfigureAwait(false);
        return filter.Apply(run, items);
    }

    /// <summary>The evaluators that judged in a window, most used first.</summary>
    public async Task<IReadOnlyList<string>> EvaluationNamesUsedAsync(DateTime since, DateTime until, CancellationToken cancellationToken)
    {
        var table = await _runner.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        return await _runner.ListAsync(EvaluationQueries.EvaluationNamesUsed(table, since, until, _connection.TeamId), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A uuid as PostHog canonicalizes $ai_target_event_id (which comes from user instrumentation), or null when it is none.</summary>
    public static string? CanonicalUuid(string? value) => Guid.TryParse(value, out var uuid) ? uuid.ToString("D") : null;

    /// <summary>
    /// The items with their newest summary in the run's window (traces by trace id, generations by generation id), as
    /// PostHog's page loads them; evaluation-level items have none.
    /// </summary>
    private async Task<IReadOnlyList<ClusterItem>> WithSummariesAsync(List<ClusterItem> items, CancellationToken cancellationToken)
    {
        if (items.Count == 0 || items[0].Level == ClusterLevel.evaluation || items[0].WindowStart is not { } since || items[0].WindowEnd is not { } until)
            return items;
        var summaries = await ReadSummariesAsync(items[0].Level, since, until, items.Select(SummaryKey).OfType<string>(), cancellationToken).ConfigureAwait(false);
        return items.Select(i => SummaryKey(i) is { } key && summaries.TryGetValue(key, out var summary)
            ? i with { Summary = summary, SummaryTitle = summary.Title }
            : i).ToList();
    }

    /// <summary>
    /// The newest summary of each trace (or generation) between the bounds, both included, by its id: one statement per
    /// <see cref="SummaryQueries.ItemsPerStatement"/> ids. Items without one are not in the answer.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, TraceSummary>> ReadSummariesAsync(ClusterLevel level, DateTime since, DateTime until, IEnumerable<string> keys,
        CancellationToken cancellationToken)
    {
        var table = await _runner.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        var summaries = new Dictionary<string, TraceSummary>(StringComparer.Ordinal);
        foreach (var page in keys.Distinct(StringComparer.Ordinal).Chunk(SummaryQueries.ItemsPerStatement))
            foreach (var row in await _runner.ListAsync(SummaryQueries.ItemSummaries(table, level, since, until, _connection.TeamId, page), cancellationToken).ConfigureAwait(false))
                summaries[row.ItemId] = TraceSummary.From(row.Title, row.FlowDiagram, row.BulletsJson, row.NotesJson, row.Timestamp);
        return summaries;
    }

    /// <summary>The judged generations' figures between the bounds, by uuid: one statement per <see cref="EvaluationQueries.ItemsPerStatement"/> ids.</summary>
    public async Task<IReadOnlyDictionary<string, JudgedGenerationRow>> ReadJudgedGenerationsAsync(DateTime since, DateTime until, IEnumerable<string> generationIds,
        CancellationToken cancellationToken)
    {
        var table = await _runner.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        var generations = new Dictionary<string, JudgedGenerationRow>(StringComparer.Ordinal);
        foreach (var page in generationIds.Distinct(StringComparer.Ordinal).Chunk(EvaluationQueries.ItemsPerStatement))
            foreach (var row in await _runner.ListAsync(EvaluationQueries.JudgedGenerations(table, since, until, _connection.TeamId, page), cancellationToken).ConfigureAwait(false))
                generations[row.GenerationId] = row;
        return generations;
    }

    private static string? SummaryKey(ClusterItem item) => item.Level == ClusterLevel.generation ? item.GenerationId : item.TraceId;

    private List<ClusterItem> ToItems(ClusterRunId runId, IReadOnlyList<ClusterItemRow> rows) =>
        rows.Select(r =>
        {
            // Old trace-level runs keep only the key, which is the trace id.
            var traceId = r.TraceId ?? (r.Level == ClusterLevel.trace ? r.ItemId : null);
            var generationId = r.GenerationId ?? (r.Level == ClusterLevel.generation ? r.ItemId : null);
            return new ClusterItem
            {
                RunId = runId.RunId,
                ClusterId = r.ClusterId,
                ItemId = r.ItemId,
                TraceId = traceId,
                GenerationId = generationId,
                Rank = r.Rank,
                DistanceToCentroid = r.DistanceToCentroid,
                X = r.X,
                Y = r.Y,
                Timestamp = r.Timestamp,
                Level = r.Level,
                WindowStart = r.WindowStart,
                WindowEnd = r.WindowEnd,
                UiUrl = ItemLink(runId.TeamId, r.Level, traceId, generationId, r.Timestamp ?? r.WindowStart),
            };
        }).ToList();

    public async Task<IReadOnlyList<ClusteringJob>> ListJobsAsync(DateTime since, DateTime until, CancellationToken cancellationToken)
    {
        var rows = await _runner.ListAsync(ClusterQueries.JobsSeenOnRuns(Table, since, until, _connection.TeamId), cancellationToken).ConfigureAwait(false);
        var seen = rows.Select(r => new ClusteringJob
        {
            Id = r.JobId,
            Name = r.Name,
            Level = r.Level,
            LastRunId = r.LastRunId,
            LastRunAt = r.LastRunAt,
            RunCount = r.RunCount,
        }).ToList();
        if (_runner.Source is not IClusteringJobSource jobSource) return seen;

        // The source knows the jobs themselves (with their filters, state and dates); the runs add when each last ran.
        IReadOnlyList<ClusteringJob> jobs;
        try
        {
            jobs = await jobSource.ListJobsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ClusteringJobsUnavailableException unavailable)
        {
            _runner.Notice(unavailable.Message);
            return seen;
        }
        var runs = seen.ToDictionary(j => j.Id, StringComparer.OrdinalIgnoreCase);
        return jobs.Select(j => runs.TryGetValue(j.Id, out var r) ? j with { LastRunId = r.LastRunId, LastRunAt = r.LastRunAt, RunCount = r.RunCount } : j)
            .OrderByDescending(j => j.LastRunAt ?? DateTime.MinValue).ThenBy(j => j.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>
    /// Where an item opens in PostHog: its trace, at the item's time, with the generation opened for generation- and
    /// evaluation-level items (an evaluation's item is the generation it judged). No link when the trace is not known.
    /// </summary>
    public static string? ItemLink(Uri host, long team, ClusterLevel level, string? traceId, string? generationId, DateTime? at) =>
        traceId is null ? null : PostHogLinks.Trace(host, team, traceId, at, level == ClusterLevel.trace ? null : generationId);

    private string? ItemLink(long team, ClusterLevel level, string? traceId, string? generationId, DateTime? at) =>
        ItemLink(Host, team, level, traceId, generationId, at);

    /// <summary>PostHog's default titles for clusters that have none.</summary>
    public static string DefaultTitle(int clusterId) => clusterId == -1 ? "Outliers" : $"Cluster {clusterId}";

    private ClusterRun ToRun(RunFieldsRow r, int clusterCount, long noiseSize, long largestSize, long itemTotal)
    {
        var parameters = ClusteringParams.FromJson(r.ParamsJson);
        return new ClusterRun
        {
            RunId = r.RunId,
            TeamId = r.TeamId ?? 0,
            Level = r.Level,
            JobId = r.JobId,
            JobName = r.JobName,
            WindowStart = r.WindowStart,
            WindowEnd = r.WindowEnd,
            TotalItemsAnalyzed = r.TotalItems,
            ClusterCount = clusterCount,
            NoiseSize = noiseSize,
            LargestClusterShare = itemTotal > 0 ? (double)largestSize / itemTotal : null,
            Timestamp = r.Timestamp,
            ClusteringMethod = parameters?.ClusteringMethod,
            VisualizationMethod = parameters?.VisualizationMethod,
            Params = parameters,
            // The run id names its team; an unreadable one falls back to the event's team, then the connection's.
            UiUrl = PostHogLinks.Run(Host, ClusterRunId.TryParse(r.RunId, out var parsed, out _) ? parsed.TeamId : r.TeamId ?? _connection.TeamId ?? 0, r.RunId),
        };
    }
}
