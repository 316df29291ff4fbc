using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Queries;

/// <summary>
/// The questions asked of clustering-run events. The run payload ($ai_clusters) is unfolded inside ClickHouse, so
/// only what is asked for crosses the wire: run summaries, cluster rows without their items, or one cluster's items.
/// </summary>
public static class ClusterQueries
{
    public static readonly IReadOnlyList<string> RunEvents = ["$ai_trace_clusters", "$ai_generation_clusters", "$ai_evaluation_clusters"];

    /// <summary>A bound-parameter placeholder: the database, not this code, puts the value in.</summary>
    internal static string P(string name, string type) => "{" + name + ":" + type + "}";

    public static string EventForLevel(string level) => level switch
    {
        "generation" => "$ai_generation_clusters",
        "evaluation" => "$ai_evaluation_clusters",
        _ => "$ai_trace_clusters",
    };

    // Some writers stored $ai_clusters as a JSON string holding the array; read both.
    internal const string ClustersJson =
        "if(JSONType(properties, '$ai_clusters') = 'String', JSONExtractString(properties, '$ai_clusters'), JSONExtractRaw(properties, '$ai_clusters'))";

    // Old runs count their items in $ai_total_traces_analyzed.
    private static readonly string RunColumns = $"""
        JSONExtractString(properties, '$ai_clustering_run_id') AS run_id,
            team_id,
            multiIf(JSONExtractString(properties, '$ai_clustering_level') != '', JSONExtractString(properties, '$ai_clustering_level'),
                    event = '$ai_generation_clusters', 'generation', event = '$ai_evaluation_clusters', 'evaluation', 'trace') AS level,
            JSONExtractString(properties, '$ai_clustering_job_id') AS job_id,
            JSONExtractString(properties, '$ai_clustering_job_name') AS job_name,
            parseDateTime64BestEffortOrNull(JSONExtractString(properties, '$ai_window_start'), 6, 'UTC') AS window_start,
            parseDateTime64BestEffortOrNull(JSONExtractString(properties, '$ai_window_end'), 6, 'UTC') AS window_end,
            coalesce({JsonSql.Integer("properties", "$ai_total_items_analyzed")}, {JsonSql.Integer("properties", "$ai_total_traces_analyzed")}) AS total_items,
            JSONExtractRaw(properties, '$ai_clustering_params') AS params,
            timestamp
        """;

    /// <summary>Which runs exist in a window, newest first, with their sizes but none of their items?</summary>
    public static SqlQuery ListRuns(EventsTable table, RunFilter filter)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["events"] = filter.Level is null ? RunEvents : new[] { EventForLevel(filter.Level) },
            ["since"] = filter.Since,
            ["until"] = filter.Until,
            ["first"] = filter.First,
        };
        var where = new List<string>();
        if (filter.TeamId is { } team) { parameters["team_id"] = team; where.Add("team_id = " + P("team_id", "Int64")); }
        if (filter.RunIds is { Count: > 0 } ids) { parameters["run_ids"] = ids.ToArray(); where.Add("run_id IN " + P("run_ids", "Array(String)")); }
        if (filter.JobId is { } jobId) { parameters["job_id"] = jobId; where.Add("job_id = " + P("job_id", "String")); }
        if (filter.JobNamePattern is { } pattern) { parameters["job_name"] = pattern; where.Add("job_name ILIKE " + P("job_name", "String")); }

        return new SqlQuery(nameof(ListRuns), $"""
            WITH
                {ClustersJson} AS clusters_json,
                JSONExtractArrayRaw(clusters_json) AS clusters
            SELECT
                {RunColumns},
                length(clusters) AS cluster_count,
                arraySum(arrayMap(c -> if({JsonSql.Integer("c", "cluster_id")} = -1,
                    ifNull({JsonSql.Integer("c", "size")}, toInt64(length(JSONExtractKeys(c, 'traces')))), 0), clusters)) AS noise_size
            FROM {table.Quoted}
            WHERE event IN {P("events", "Array(String)")}
              AND timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp < {P("until", "DateTime64(6, 'UTC')")}
              {string.Concat(where.Select(w => "AND " + w + " "))}
            ORDER BY timestamp DESC
            LIMIT {P("first", "UInt64")}
            """, parameters);
    }

    /// <summary>
    /// The one run event of a run id, bounded to the id's UTC day as PostHog's UI does, plus a grace period for runs
    /// that finish after midnight; the newest event wins if a run was written twice.
    /// </summary>
    internal static string RunEvent(EventsTable table, bool teamFilter) => $"""
        SELECT *
            FROM {table.Quoted}
            WHERE event IN {P("events", "Array(String)")}
              AND timestamp >= {P("day_start", "DateTime64(6, 'UTC')")} AND timestamp < {P("day_end", "DateTime64(6, 'UTC')")}
              {(teamFilter ? "AND team_id = " + P("team_id", "Int64") : "")}
              AND JSONExtractString(properties, '$ai_clustering_run_id') = {P("run_id", "String")}
            ORDER BY timestamp DESC
            LIMIT 1
        """;

    public static readonly TimeSpan RunDayGrace = TimeSpan.FromHours(6);

    internal static Dictionary<string, object?> RunParameters(Model.ClusterRunId runId, long? teamId)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["events"] = RunEvents,
            ["day_start"] = runId.DayStart,
            ["day_end"] = runId.DayStart.AddDays(1) + RunDayGrace,
            ["run_id"] = runId.RunId,
        };
        if (teamId is { } team) parameters["team_id"] = team;
        return parameters;
    }

    /// <summary>What clusters does this run hold? One row per cluster, without its items; one row with no cluster when it has none.</summary>
    public static SqlQuery RunClusters(EventsTable table, Model.ClusterRunId runId, long? teamId) => new(nameof(RunClusters), $"""
        WITH {ClustersJson} AS clusters_json
        SELECT
            {RunColumns},
            isValidJSON(clusters_json) AND JSONType(clusters_json) = 'Array' AS payload_valid,
            c != '' AS has_cluster,
            JSONType(c) = 'Object' AS is_object,
            {JsonSql.Integer("c", "cluster_id")} AS cluster_id,
            {JsonSql.Integer("c", "size")} AS size,
            {JsonSql.IsNumeric("c", "size")} AS size_ok,
            length(JSONExtractKeys(c, 'traces')) AS items_in_map,
            {JsonSql.Text("c", "title")} AS title,
            {JsonSql.Text("c", "description")} AS description,
            {JsonSql.Number("c", "centroid_x")} AS centroid_x,
            {JsonSql.Number("c", "centroid_y")} AS centroid_y,
            JSONType(c, 'metrics') = 'Object' AS has_metrics,
            {JsonSql.Integer("c", "metrics", "item_count")} AS m_item_count,
            {JsonSql.Number("c", "metrics", "total_cost")} AS m_total_cost,
            {JsonSql.Number("c", "metrics", "avg_cost")} AS m_avg_cost,
            {JsonSql.Number("c", "metrics", "avg_latency")} AS m_avg_latency,
            {JsonSql.Number("c", "metrics", "avg_tokens")} AS m_avg_tokens,
            {JsonSql.Integer("c", "metrics", "error_count")} AS m_error_count,
            {JsonSql.Number("c", "metrics", "error_rate")} AS m_error_rate
        FROM ({RunEvent(table, teamId is not null)})
        LEFT ARRAY JOIN JSONExtractArrayRaw(clusters_json) AS c
        """, RunParameters(runId, teamId));

    /// <summary>Which items does a run's cluster hold, by rank? Only the asked-for clusters and the top items cross the wire.</summary>
    public static SqlQuery ClusterItems(EventsTable table, Model.ClusterRunId runId, long? teamId, IReadOnlyCollection<int>? clusterIds, int? top)
    {
        var parameters = RunParameters(runId, teamId);
        if (clusterIds is { Count: > 0 }) parameters["cluster_ids"] = clusterIds.Select(i => (long)i).ToArray();
        if (top is { } n) parameters["top"] = n;
        return new SqlQuery(nameof(ClusterItems), $"""
            SELECT
                run_id, level, window_start, window_end, cluster_id,
                item.1 AS item_id,
                {JsonSql.Text("item.2", "trace_id")} AS trace_id,
                {JsonSql.Text("item.2", "generation_id")} AS generation_id,
                {JsonSql.Integer("item.2", "rank")} AS rank,
                {JsonSql.Number("item.2", "distance_to_centroid")} AS distance_to_centroid,
                {JsonSql.Number("item.2", "x")} AS x,
                {JsonSql.Number("item.2", "y")} AS y,
                {JsonSql.Time("item.2", "timestamp")} AS item_timestamp
            FROM (
                WITH {ClustersJson} AS clusters_json
                SELECT {RunColumns}, c, {JsonSql.Integer("c", "cluster_id")} AS cluster_id
                FROM ({RunEvent(table, teamId is not null)})
                ARRAY JOIN JSONExtractArrayRaw(clusters_json) AS c
                WHERE cluster_id IS NOT NULL {(clusterIds is { Count: > 0 } ? "AND cluster_id IN " + P("cluster_ids", "Array(Int64)") : "")}
            )
            ARRAY JOIN JSONExtractKeysAndValuesRaw(c, 'traces') AS item
            ORDER BY cluster_id = -1, cluster_id, rank IS NULL, rank, item_id
            {(top is null ? "" : "LIMIT " + P("top", "UInt64") + " BY cluster_id")}
            """, parameters);
    }

    /// <summary>Which jobs wrote runs in a window: id, name, level, how often and when last?</summary>
    public static SqlQuery JobsSeenOnRuns(EventsTable table, DateTime since, DateTime until, long? teamId)
    {
        var parameters = new Dictionary<string, object?> { ["events"] = RunEvents, ["since"] = since, ["until"] = until };
        if (teamId is { } team) parameters["team_id"] = team;
        return new SqlQuery(nameof(JobsSeenOnRuns), $"""
            SELECT
                job_id,
                argMax(job_name, timestamp) AS name,
                argMax(level, timestamp) AS job_level,
                argMax(run_id, timestamp) AS last_run_id,
                max(timestamp) AS last_run_at,
                count() AS run_count
            FROM (
                SELECT {RunColumns}
                FROM {table.Quoted}
                WHERE event IN {P("events", "Array(String)")}
                  AND timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp < {P("until", "DateTime64(6, 'UTC')")}
                  {(teamId is null ? "" : "AND team_id = " + P("team_id", "Int64"))}
            )
            WHERE job_id != ''
            GROUP BY job_id
            ORDER BY last_run_at DESC
            """, parameters);
    }
}
