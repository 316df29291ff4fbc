using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
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
        var result = await _runner.QueryAsync(ClusterQueries.ListRuns(Table, filter with { TeamId = filter.TeamId ?? _connection.TeamId }), cancellationToken).ConfigureAwait(false);
        var rows = ResultRow.All(result).ToList();
        var unreadable = rows.Count(r => string.IsNullOrEmpty(r.GetString("run_id")));
        if (unreadable > 0)
            _runner.Notice($"{(unreadable >= filter.First ? "At least " : "")}{unreadable} run event(s) between {filter.Since:u} and {filter.Until:u} could not be read " +
                           "(their properties are not JSON, or have no $ai_clustering_run_id) and are left out.");
        return rows.Where(r => !string.IsNullOrEmpty(r.GetString("run_id")))
            .Select(r => ToRun(r, (int)(r.GetInt64("cluster_count") ?? 0), r.GetInt64("noise_size") ?? 0))
            .ToList();
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

    public async Task<RunClusters> ReadClustersAsync(ClusterRunId runId, CancellationToken cancellationToken)
    {
        var result = await _runner.QueryAsync(ClusterQueries.RunClusters(Table, runId, _connection.TeamId), cancellationToken).ConfigureAwait(false);
        var rows = ResultRow.All(result).ToList();
        if (rows.Count == 0) throw new RunNotFoundException(runId.RunId, _connection.Location);
        if (!rows[0].GetBool("payload_valid")) throw new InvalidRunPayloadException(runId.RunId);

        var problems = new List<string>();
        var clusters = new List<LlmCluster>();
        var level = ClusterLevels.FromPostHog(rows[0].GetString("level"));
        foreach (var row in rows.Where(r => r.GetBool("has_cluster")))
        {
            if (row.GetInt64("cluster_id") is not { } id) { problems.Add("an entry of $ai_clusters has no numeric cluster_id (skipped)"); continue; }
            var clusterId = (int)id;
            var itemsInMap = row.GetInt64("items_in_map") ?? 0;
            var size = row.GetInt64("size");
            if (size is null) problems.Add($"cluster {clusterId} has no numeric size (used its {itemsInMap} items)");
            else if (size > 0 && itemsInMap == 0) problems.Add($"cluster {clusterId} has size {size} but lists no item (its traces is not an object of items)");
            var title = row.GetString("title");
            if (string.IsNullOrEmpty(title)) problems.Add($"cluster {clusterId} has no title");
            var hasMetrics = row.GetBool("has_metrics");
            var stored = hasMetrics
                ? new RunEventMetrics(row.GetInt64("m_item_count") ?? 0, row.GetDouble("m_avg_cost"), row.GetDouble("m_avg_latency"), row.GetDouble("m_avg_tokens"),
                    row.GetDouble("m_total_cost"), row.GetInt64("m_error_count") ?? 0, row.GetDouble("m_error_rate"))
                : null;
            // PostHog's clusters page shows a run's stored metrics only for evaluation-level runs; for the others it
            // computes its own, by other definitions, so the stored ones stay apart (StoredMetrics) until those are computed.
            var shown = level == ClusterLevel.evaluation ? stored : null;
            clusters.Add(new LlmCluster
            {
                RunId = runId.RunId,
                Level = level,
                ClusterId = clusterId,
                Title = string.IsNullOrEmpty(title) ? DefaultTitle(clusterId) : title,
                Description = row.GetString("description"),
                Size = size ?? itemsInMap,
                IsNoise = clusterId == -1,
                CentroidX = row.GetDouble("centroid_x"),
                CentroidY = row.GetDouble("centroid_y"),
                WindowStart = row.GetDateTime("window_start"),
                WindowEnd = row.GetDateTime("window_end"),
                UiUrl = PostHogLinks.Cluster(Host, runId.TeamId, runId.RunId, clusterId),
                ItemCount = shown?.ItemCount,
                TotalCost = shown?.TotalCost,
                AvgCost = shown?.AvgCost,
                AvgLatency = shown?.AvgLatency,
                AvgTokens = shown?.AvgTokens,
                ErrorCount = shown?.ErrorCount,
                ErrorRate = shown?.ErrorRate,
                StoredMetrics = stored,
                PassRate = row.GetDouble("m_pass_rate"),
                NaRate = row.GetDouble("m_na_rate"),
                DominantEvaluationName = row.GetString("m_dominant_evaluation_name"),
                DominantRuntime = row.GetString("m_dominant_runtime"),
                AvgJudgeCost = row.GetDouble("m_avg_judge_cost"),
                SentimentLabel = row.GetString("m_sentiment_label"),
                SentimentScore = row.GetDouble("m_sentiment_score"),
                MetricsSource = shown is not null ? MetricsSource.Run : MetricsSource.None,
            });
        }
        foreach (var twice in clusters.GroupBy(c => c.ClusterId).Where(g => g.Count() > 1))
            problems.Add($"cluster id {twice.Key} appears {twice.Count()} times");
        var run = ToRun(rows[0], clusters.Count, clusters.Where(c => c.IsNoise).Sum(c => c.Size));
        if (run.WindowStart > run.WindowEnd) problems.Add($"its window starts ({run.WindowStart:u}) after it ends ({run.WindowEnd:u})");
        if (rows[0].GetInt64("copies") is > 1 and var copies) problems.Add($"{copies} events carry this run id; the newest is read");
        return new RunClusters(run, clusters, problems);
    }

    public async Task<IReadOnlyList<ClusterItem>> ReadItemsAsync(ClusterRunId runId, IReadOnlyCollection<int>? clusterIds, int? top, CancellationToken cancellationToken)
    {
        var result = await _runner.QueryAsync(ClusterQueries.ClusterItems(Table, runId, _connection.TeamId, clusterIds, top), cancellationToken).ConfigureAwait(false);
        return ResultRow.All(result).Select(r =>
        {
            var level = ClusterLevels.FromPostHog(r.GetString("level"));
            var itemId = r.GetStringOrEmpty("item_id");
            var byGeneration = level != ClusterLevel.trace;
            // Old trace-level runs keep only the key, which is the trace id.
            var traceId = r.GetString("trace_id") ?? (byGeneration ? null : itemId);
            var generationId = r.GetString("generation_id") ?? (level == ClusterLevel.generation ? itemId : null);
            var timestamp = r.GetDateTime("item_timestamp");
            return new ClusterItem
            {
                RunId = runId.RunId,
                ClusterId = (int)(r.GetInt64("cluster_id") ?? 0),
                ItemId = itemId,
                TraceId = traceId,
                GenerationId = generationId,
                Rank = r.GetInt64("rank") is { } rank ? (int)rank : null,
                DistanceToCentroid = r.GetDouble("distance_to_centroid"),
                X = r.GetDouble("x"),
                Y = r.GetDouble("y"),
                Timestamp = timestamp,
                Level = level,
                WindowStart = r.GetDateTime("window_start"),
                WindowEnd = r.GetDateTime("window_end"),
                UiUrl = ItemLink(runId.TeamId, level, traceId, generationId, timestamp ?? r.GetDateTime("window_start")),
            };
        }).ToList();
    }

    public async Task<IReadOnlyList<ClusteringJob>> ListJobsAsync(DateTime since, DateTime until, CancellationToken cancellationToken)
    {
        var result = await _runner.QueryAsync(ClusterQueries.JobsSeenOnRuns(Table, since, until, _connection.TeamId), cancellationToken).ConfigureAwait(false);
        var seen = ResultRow.All(result).Select(r => new ClusteringJob
        {
            Id = r.GetStringOrEmpty("job_id"),
            Name = r.GetStringOrEmpty("name"),
            Level = ClusterLevels.TryFromPostHog(r.GetString("job_level")),
            LastRunId = r.GetString("last_run_id"),
            LastRunAt = r.GetDateTime("last_run_at"),
            RunCount = r.GetInt64("run_count") ?? 0,
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

    private ClusterRun ToRun(ResultRow r, int clusterCount, long noiseSize)
    {
        var runId = r.GetStringOrEmpty("run_id");
        var team = r.GetInt64("team_id");
        var parameters = ClusteringParams.FromJson(r.GetString("params"));
        return new ClusterRun
        {
            RunId = runId,
            TeamId = team ?? 0,
            Level = ClusterLevels.FromPostHog(r.GetString("level")),
            JobId = NullIfEmpty(r.GetString("job_id")),
            JobName = NullIfEmpty(r.GetString("job_name")),
            WindowStart = r.GetDateTime("window_start"),
            WindowEnd = r.GetDateTime("window_end"),
            TotalItemsAnalyzed = r.GetInt64("total_items"),
            ClusterCount = clusterCount,
            NoiseSize = noiseSize,
            Timestamp = r.GetDateTime("timestamp") ?? default,
            ClusteringMethod = parameters?.ClusteringMethod,
            VisualizationMethod = parameters?.VisualizationMethod,
            Params = parameters,
            // The run id names its team; an unreadable one falls back to the event's team, then the connection's.
            UiUrl = PostHogLinks.Run(Host, ClusterRunId.TryParse(runId, out var parsed, out _) ? parsed.TeamId : team ?? _connection.TeamId ?? 0, runId),
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
