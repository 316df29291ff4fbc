using LlmClusters.Core.Clusters;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Queries.Rows;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Metrics;

/// <summary>Computes cluster metrics in the database (one query per run) and compares each cluster with the rest of its run.</summary>
public sealed class ClusterMetricsReader
{
    private readonly LlmAnalyticsConnection _connection;
    private readonly IQueryObserver? _observer;
    private readonly QueryRunner _runner;

    public ClusterMetricsReader(LlmAnalyticsConnection connection, IQueryObserver? observer = null)
    {
        _connection = connection;
        _observer = observer;
        _runner = connection.CreateRunner(observer);
    }

    /// <summary>
    /// Metrics for every cluster of a run (one object per cluster, or per cluster and model/provider): by PostHog's
    /// clusters page, or by what its clustering workflow stores on runs.
    /// </summary>
    public async Task<IReadOnlyList<ClusterMetrics>> MeasureAsync(RunClusters run, MetricsDimension by, CancellationToken cancellationToken,
        MetricsDefinition definition = MetricsDefinition.Page)
    {
        if (run.Run.Level == ClusterLevel.evaluation) return await MeasureEvaluationRunAsync(run, by, cancellationToken).ConfigureAwait(false);
        var table = await _runner.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        var runId = Check(run);
        var verdicts = by == MetricsDimension.None ? await VerdictsAsync(table, runId, run.Run, cancellationToken).ConfigureAwait(false) : null;
        var rows = await _runner.ListAsync(MetricsQueries.ClusterMetrics(table, runId, run.Run.WindowStart!.Value, run.Run.WindowEnd!.Value,
            _connection.TeamId, RunItems(run), by, definition), cancellationToken).ConfigureAwait(false);

        var runCost = rows.Sum(r => r.TotalCost ?? 0);
        var byDimension = rows.GroupBy(r => r.Dimension).ToDictionary(g => g.Key, g => (Errors: g.Sum(r => r.Errors), Items: g.Sum(r => r.Items)));
        var metrics = new List<ClusterMetrics>();
        foreach (var cluster in run.Clusters)
        {
            var mine = rows.Where(r => r.ClusterId == cluster.ClusterId).ToList();
            if (mine.Count == 0 && by == MetricsDimension.None) mine.Add(new ClusterFiguresRow(cluster.ClusterId, "", 0, ClusterFigures.None));
            foreach (var row in mine)
            {
                var totals = byDimension.GetValueOrDefault(row.Dimension);
                var comparison = ErrorRateComparison.Compare(row.Errors, row.Items, totals.Errors - row.Errors, totals.Items - row.Items);
                var judged = verdicts?.GetValueOrDefault(cluster.ClusterId) ?? default;
                metrics.Add(ClusterFigureSetter.Fill(new ClusterMetrics
                {
                    RunId = run.Run.RunId,
                    ClusterId = cluster.ClusterId,
                    Title = cluster.Title,
                    Size = cluster.Size,
                    Model = by == MetricsDimension.Model ? row.Dimension : null,
                    Provider = by == MetricsDimension.Provider ? row.Dimension : null,
                    ItemCount = row.Items,
                    CostShare = row.TotalCost is { } cost && runCost > 0 ? cost / runCost : null,
                    ErrorRate = row.Items > 0 ? (double)row.Errors / row.Items : null,
                    ErrorRateLift = comparison.Lift,
                    ErrorRatePValue = comparison.PValue,
                    ErrorRateTest = comparison.Test,
                    EvaluationCount = judged.Evaluations,
                    PassRate = judged.PassRate,
                    NaRate = judged.NaRate,
                    WindowStart = run.Run.WindowStart,
                    WindowEnd = run.Run.WindowEnd,
                    UiUrl = cluster.UiUrl,
                }, row.Figures));
            }
        }
        return metrics;
    }

    /// <summary>The verdicts on each cluster's items (one statement), for trace- and generation-level runs.</summary>
    private async Task<IReadOnlyDictionary<int, VerdictCounts>> VerdictsAsync(EventsTable table, ClusterRunId runId, ClusterRun run, CancellationToken cancellationToken)
    {
        var rows = await _runner.ListAsync(EvaluationQueries.ClusterVerdicts(table, runId, run.WindowStart!.Value, run.WindowEnd!.Value, _connection.TeamId),
            cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.ClusterId, r => r.Verdicts);
    }

    /// <summary>
    /// An evaluation run's figures computed live, by PostHog's workflow's rules (<see cref="EvaluationRunFigures"/>):
    /// its items' evaluation events, then the generations they judged, one statement each per page of ids, joined here
    /// as PostHog's workflow joins them.
    /// </summary>
    private async Task<IReadOnlyList<ClusterMetrics>> MeasureEvaluationRunAsync(RunClusters run, MetricsDimension by, CancellationToken cancellationToken)
    {
        var runId = ClusterRunId.Parse(run.Run.RunId);
        var reader = new ClusterReader(_connection, _observer);
        var items = await reader.ReadItemsAsync(runId, null, null, cancellationToken).ConfigureAwait(false);
        IReadOnlyDictionary<string, JudgedGenerationRow> generations = new Dictionary<string, JudgedGenerationRow>();
        if (items.Count > 0)
        {
            var (since, until) = ClusterReader.EvaluationWindow(items[0]);
            generations = await reader.ReadJudgedGenerationsAsync(since, until, items.Select(i => i.GenerationId).OfType<string>(), cancellationToken).ConfigureAwait(false);
        }
        // Split by model or provider, an evaluation counts under its judged generation's ('' when that is gone).
        string Dimension(ClusterItem item) => by == MetricsDimension.None || item.GenerationId is not { } id || !generations.TryGetValue(id, out var g) ? ""
            : (by == MetricsDimension.Model ? g.Model : g.Provider) ?? "";
        var measured = items.GroupBy(i => (i.ClusterId, Dimension: Dimension(i)))
            .Select(g => (g.Key.ClusterId, g.Key.Dimension, Figures: EvaluationRunFigures.Of(g.ToList(), generations))).ToList();
        var runCost = measured.Sum(m => m.Figures.TotalCost ?? 0);
        var totals = measured.GroupBy(m => m.Dimension).ToDictionary(g => g.Key, g => (Errors: g.Sum(m => m.Figures.ErrorCount), Judged: g.Sum(m => m.Figures.JudgedWithData)));
        return run.Clusters.SelectMany(cluster =>
        {
            var mine = measured.Where(m => m.ClusterId == cluster.ClusterId).OrderBy(m => m.Dimension, StringComparer.Ordinal).ToList();
            if (mine.Count == 0 && by == MetricsDimension.None) mine.Add((cluster.ClusterId, "", EvaluationRunFigures.Of([], generations)));
            return mine.Select(m => (cluster, m.Dimension, m.Figures));
        }).Select(measure =>
        {
            var (cluster, dimension, f) = measure;
            var (runErrors, runJudged) = totals.GetValueOrDefault(dimension);
            var comparison = ErrorRateComparison.Compare(f.ErrorCount, f.JudgedWithData, runErrors - f.ErrorCount, runJudged - f.JudgedWithData);
            return ClusterFigureSetter.Fill(new ClusterMetrics { RunId = run.Run.RunId, Title = cluster.Title, UiUrl = cluster.UiUrl }, ClusterFigures.None) with
            {
                ClusterId = cluster.ClusterId,
                Size = cluster.Size,
                Model = by == MetricsDimension.Model ? dimension : null,
                Provider = by == MetricsDimension.Provider ? dimension : null,
                ItemCount = f.ItemCount,
                TotalCost = f.TotalCost,
                CostShare = f.TotalCost is { } cost && runCost > 0 ? cost / runCost : null,
                AvgCost = f.AvgCost,
                AvgLatency = f.AvgLatency,
                AvgTokens = f.AvgTokens,
                InputTokens = f.InputTokens,
                OutputTokens = f.OutputTokens,
                ErrorCount = f.ErrorCount,
                ErrorRate = f.ErrorRate,
                ErrorRateLift = comparison.Lift,
                ErrorRatePValue = comparison.PValue,
                ErrorRateTest = comparison.Test,
                EvaluationCount = f.EvaluationCount,
                PassRate = f.Verdicts.PassRate,
                NaRate = f.Verdicts.NaRate,
                DominantEvaluationName = f.DominantEvaluationName,
                DominantRuntime = f.DominantRuntime,
                AvgJudgeCost = f.AvgJudgeCost,
                TopModel = f.TopModel,
                ModelCount = f.ModelCount,
                WindowStart = run.Run.WindowStart,
                WindowEnd = run.Run.WindowEnd,
            };
        }).ToList();
    }

    /// <summary>Each item's own figures, for the given clusters (all when none).</summary>
    public async Task<IReadOnlyList<ClusterItemMetrics>> MeasureItemsAsync(RunClusters run, IReadOnlyCollection<int>? clusterIds, CancellationToken cancellationToken)
    {
        var table = await _runner.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        var runId = Check(run);
        var rows = await _runner.ListAsync(MetricsQueries.ItemMetrics(table, runId, run.Run.WindowStart!.Value, run.Run.WindowEnd!.Value,
            _connection.TeamId, RunItems(run), clusterIds), cancellationToken).ConfigureAwait(false);
        var host = _connection.PostHogHost;
        return rows.Select(r =>
        {
            var generation = runId.Level == ClusterLevel.generation ? r.Item : null;
            var traceId = r.TraceId ?? (generation is null ? r.Item : null);
            return new ClusterItemMetrics
            {
                RunId = run.Run.RunId,
                ClusterId = r.ClusterId,
                ItemId = r.Item,
                TraceId = traceId,
                GenerationId = generation,
                Cost = r.Cost,
                Latency = r.Latency,
                GenerationLatency = r.GenerationLatency,
                InputTokens = r.InputTokens,
                OutputTokens = r.OutputTokens,
                IsError = r.FailedEvents > 0,
                FailedEvents = r.FailedEvents,
                Model = MostFrequent(r.Models),
                EventCount = r.EventCount,
                FirstSeen = r.FirstSeen,
                LastSeen = r.LastSeen,
                UiUrl = ClusterReader.ItemLink(host, runId.TeamId, runId.Level, traceId, generation, r.FirstSeen ?? run.Run.WindowStart),
            };
        }).ToList();
    }

    /// <summary>
    /// PostHog's metrics object for each cluster of a membership that has no run event yet (Invoke-LlmClustering's),
    /// with the membership bound as lists: in parts of at most <paramref name="membersPerQuery"/> items, since bound
    /// values travel in the request (a URL on ClickHouse's HTTP interface, literals in PostHog's printed SQL), and the
    /// parts' sums and counted means combined here.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, RunEventMetrics>> MeasureMembershipAsync(ClusterLevel level, DateTime windowStart, DateTime windowEnd,
        IReadOnlyList<(int ClusterId, string Item)> members, int membersPerQuery, CancellationToken cancellationToken)
    {
        var table = await _runner.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        var parts = new List<ClusterFiguresRow>();
        foreach (var chunk in members.Chunk(membersPerQuery))
            parts.AddRange(await _runner.ListAsync(MetricsQueries.MembershipMetrics(table, level, windowStart, windowEnd, _connection.TeamId,
                chunk.Select(m => m.ClusterId).ToList(), chunk.Select(m => m.Item).ToList()), cancellationToken).ConfigureAwait(false));
        return parts.GroupBy(r => r.ClusterId).ToDictionary(g => g.Key, g =>
        {
            double? Mean(Func<ClusterFiguresRow, double?> mean, Func<ClusterFiguresRow, long> counted) =>
                g.Sum(counted) is var n && n > 0 ? Finite(g.Sum(r => (mean(r) ?? 0) * counted(r)) / n) : null;
            var count = g.Sum(r => r.Items);
            var errors = g.Sum(r => r.Errors);
            return new RunEventMetrics(count, Mean(r => r.Number(nameof(ClusterMetrics.AvgCost)), r => r.ItemsWithCost),
                Mean(r => r.Number(nameof(ClusterMetrics.AvgLatency)), r => r.ItemsWithLatency),
                Mean(r => r.Number(nameof(ClusterMetrics.AvgTokens)), r => r.ItemsWithTokens), g.Sum(r => r.ItemsWithCost) > 0 ? g.Sum(r => r.TotalCost ?? 0) : null, errors,
                count > 0 ? (double)errors / count : null);
        });
    }

    /// <summary>
    /// The run with its clusters' metric properties as PostHog's clusters page shows them: computed from the events (one
    /// query) for trace- and generation-level runs, whatever the run stores (which stays in StoredMetrics); the run's own
    /// metrics for evaluation-level runs, which the page shows. A run that cannot be measured is returned as it is.
    /// </summary>
    public async Task<RunClusters> FillMetricsAsync(RunClusters run, CancellationToken cancellationToken)
    {
        if (run.Clusters.Count == 0 || run.Run.Level == ClusterLevel.evaluation || run.Run.WindowStart is null || run.Run.WindowEnd is null)
            return run;
        return await _connection.Runs.GetOrReadAsync(ClusterRunId.Parse(run.Run.RunId), measured: true, _runner.Remembered,
            () => MeasureClustersAsync(run, cancellationToken)).ConfigureAwait(false);
    }

    private async Task<RunClusters> MeasureClustersAsync(RunClusters run, CancellationToken cancellationToken)
    {
        var metrics = (await MeasureAsync(run, MetricsDimension.None, cancellationToken).ConfigureAwait(false)).ToDictionary(m => m.ClusterId);
        // A cluster none of whose items had an event in the window is measured too: nothing to average, and no error rate.
        return run with
        {
            Clusters = run.Clusters.Select(c => metrics.TryGetValue(c.ClusterId, out var m)
                ? ClusterFigureSetter.Copy(m, c with
                {
                    ItemCount = m.ItemCount, ErrorRate = m.ErrorRate, EvaluationCount = m.EvaluationCount, PassRate = m.PassRate, NaRate = m.NaRate,
                    MetricsSource = MetricsSource.Computed,
                })
                : c).ToList(),
        };
    }

    private static ClusterRunId Check(RunClusters run)
    {
        var runId = ClusterRunId.Parse(run.Run.RunId);
        if (run.Run.Level == ClusterLevel.evaluation)
            throw new MetricsNotAvailableException(run.Run.RunId, "an evaluation-level run's items are evaluations: read each with Get-ClusterItem (its verdict and judged generation), or the clusters' figures without -PerItem.");
        if (run.Run.WindowStart is null || run.Run.WindowEnd is null)
            throw new MetricsNotAvailableException(run.Run.RunId, "its event has no readable $ai_window_start and $ai_window_end, so the events that belong to it cannot be bounded.");
        return runId;
    }

    private static long RunItems(RunClusters run) => run.Clusters.Sum(c => c.Size);

    // ClickHouse returns nan for the mean of nothing; the model says null.
    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private static string? MostFrequent(IReadOnlyList<string> values) =>
        values.GroupBy(v => v, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;
}
