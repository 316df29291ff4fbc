using LlmClusters.Core.Model;
using LlmClusters.Core.Queries.Rows;

namespace LlmClusters.Core.Queries;

/// <summary>
/// The questions asked of clustering-run events. The run payload ($ai_clusters) is unfolded inside ClickHouse, so
/// only what is asked for crosses the wire: run summaries, cluster rows without their items, or one cluster's items.
/// A run event can be tens of megabytes, and every JSON function call parses it again, so each run event is read by
/// exactly one typed JSONExtract into a tuple that holds everything the query needs (measured: one call takes about
/// as long as one JSONExtractString, and a query of fifteen calls took fifteen times as long).
/// </summary>
public static class ClusterQueries
{
    public static readonly IReadOnlyList<string> RunEvents = ["$ai_trace_clusters", "$ai_generation_clusters", "$ai_evaluation_clusters"];

    /// <summary>A bound-parameter placeholder: the database, not this code, puts the value in.</summary>
    internal static string P(string name, string type) => "{" + name + ":" + type + "}";

    public static string EventForLevel(ClusterLevel level) => level switch
    {
        ClusterLevel.generation => "$ai_generation_clusters",
        ClusterLevel.evaluation => "$ai_evaluation_clusters",
        _ => "$ai_trace_clusters",
    };

    /// <summary>What each item of a cluster's traces map is read as: only its rank, for counting and membership.</summary>
    internal const string ItemRank = "Tuple(rank Nullable(Int64))";

    private const string ItemFields =
        "Tuple(rank Nullable(Int64), distance_to_centroid Nullable(Float64), x Nullable(Float64), y Nullable(Float64), " +
        "timestamp Nullable(String), trace_id Nullable(String), generation_id Nullable(String))";

    // Evaluation-level runs add pass and n/a rates, the dominant evaluation and the judge's cost; some runs add a sentiment.
    private const string MetricsFields =
        "Tuple(item_count Nullable(Float64), total_cost Nullable(Float64), avg_cost Nullable(Float64), avg_latency Nullable(Float64), " +
        "avg_tokens Nullable(Float64), error_count Nullable(Float64), error_rate Nullable(Float64), pass_rate Nullable(Float64), " +
        "na_rate Nullable(Float64), dominant_evaluation_name Nullable(String), dominant_runtime Nullable(String), avg_judge_cost Nullable(Float64), " +
        "sentiment Tuple(label Nullable(String), score Nullable(Float64)))";

    private const string ParamsFields =
        "Tuple(clustering_method Nullable(String), clustering_method_params Map(String, String), embedding_normalization Nullable(String), " +
        "dimensionality_reduction_method Nullable(String), dimensionality_reduction_ndims Nullable(Float64), visualization_method Nullable(String), " +
        "max_samples Nullable(Float64), embedding_model Nullable(String), seed Nullable(Float64))";

    // Numbers are read as Nullable(Float64), which takes JSON numbers and numeric strings and gives NULL for anything
    // else; text as Nullable(String), NULL when missing. (Dynamic would keep each field's JSON type, but measured ten
    // times slower on a large run.)
    private static string ClusterFields(string item) =>
        "Tuple(cluster_id Nullable(Float64), size Nullable(Float64), title Nullable(String), description Nullable(String), " +
        $"centroid_x Nullable(Float64), centroid_y Nullable(Float64), metrics {MetricsFields}, traces Map(String, {item}))";

    private static string RunShape(string? item) =>
        "Tuple(`$ai_clustering_run_id` String, `$ai_clustering_level` String, `$ai_clustering_job_id` String, `$ai_clustering_job_name` String, " +
        "`$ai_window_start` String, `$ai_window_end` String, `$ai_total_items_analyzed` Nullable(Float64), `$ai_total_traces_analyzed` Nullable(Float64), " +
        $"`$ai_clustering_params` {ParamsFields}" + (item is null ? ")" : $", `$ai_clusters` Array({ClusterFields(item)}))");

    // accurateCastOrNull is what HogQL's toInt prints, so the HogQL form of this text is HogQL's own function.
    internal static string Integer(string value) => $"accurateCastOrNull({value}, 'Int64')";

    /// <summary>
    /// The columns of a run event, from one parse of its properties: run_id, team_id, level, job_id, job_name,
    /// window_start, window_end, total_items (old runs: $ai_total_traces_analyzed), params, timestamp and, when
    /// items are asked for, clusters and payload_valid.
    /// </summary>
    internal static string RunFields(string? item)
    {
        var fields = $"""
            JSONExtract(properties, '{RunShape(item)}') AS f,
                tupleElement(f, '$ai_clustering_run_id') AS run_id,
                team_id,
                multiIf(tupleElement(f, '$ai_clustering_level') != '', tupleElement(f, '$ai_clustering_level'),
                        event = '$ai_generation_clusters', 'generation', event = '$ai_evaluation_clusters', 'evaluation', 'trace') AS level,
                tupleElement(f, '$ai_clustering_job_id') AS job_id,
                tupleElement(f, '$ai_clustering_job_name') AS job_name,
                parseDateTime64BestEffortOrNull(tupleElement(f, '$ai_window_start'), 6, 'UTC') AS window_start,
                parseDateTime64BestEffortOrNull(tupleElement(f, '$ai_window_end'), 6, 'UTC') AS window_end,
                {Integer("coalesce(tupleElement(f, '$ai_total_items_analyzed'), tupleElement(f, '$ai_total_traces_analyzed'))")} AS total_items,
                if(isNull(tupleElement(tupleElement(f, '$ai_clustering_params'), 'clustering_method')), NULL, toJSONString(tupleElement(f, '$ai_clustering_params'))) AS params,
                timestamp
            """;
        if (item is null) return fields;
        return fields + $"""
            ,
                {Clusters(ClusterFields(item))} AS clusters,
                notEmpty(clusters) OR JSONType(properties, '$ai_clusters') = 'Array'
                    OR JSONType(JSONExtractString(properties, '$ai_clusters')) = 'Array' AS payload_valid
            """;
    }

    /// <summary>Reads the columns of <see cref="RunFields"/>.</summary>
    internal static RunFieldsRow ReadRunFields(ResultRow r) => new(
        r.GetStringOrEmpty("run_id"), r.GetInt64("team_id"), ClusterLevels.FromPostHog(r.GetString("level")), r.GetText("job_id"), r.GetText("job_name"),
        r.GetDateTime("window_start"), r.GetDateTime("window_end"), r.GetInt64("total_items"), r.GetString("params"), r.GetDateTime("timestamp") ?? default);

    // Some writers stored $ai_clusters as a JSON string holding the array; only then is it parsed a second time.
    private static string Clusters(string clusterShape) => $"""
        if(empty(tupleElement(f, '$ai_clusters')) AND JSONType(properties, '$ai_clusters') = 'String',
                   JSONExtract(JSONExtractString(properties, '$ai_clusters'), 'Array({clusterShape})'),
                   tupleElement(f, '$ai_clusters'))
        """;

    private const string MemberFields = "Tuple(cluster_id Nullable(Float64), traces Map(String, " + ItemRank + "))";

    /// <summary>
    /// Every (cluster_id, item) pair of the run, from a parse of the run event that reads nothing else: the metrics
    /// query uses it twice (as a filter and in a join), and reading the run's other fields measured five times slower.
    /// </summary>
    internal static string RunMembers(EventsTable table, bool teamFilter, string suffix = "") => $"""
        SELECT {Integer("tupleElement(c, 'cluster_id')")} AS cluster_id, arrayJoin(mapKeys(tupleElement(c, 'traces'))) AS item
            FROM (
                SELECT JSONExtract(properties, 'Tuple(`$ai_clustering_run_id` String, `$ai_clusters` Array({MemberFields}))') AS f,
                       {Clusters(MemberFields)} AS clusters
                FROM {table.Quoted}
                WHERE event IN {P("events", "Array(String)")}
                  AND timestamp >= {P("day_start" + suffix, "DateTime64(6, 'UTC')")} AND timestamp < {P("day_end" + suffix, "DateTime64(6, 'UTC')")}
                  {TeamFilter.Condition(teamFilter)}
                  AND position(properties, {P("run_id" + suffix, "String")}) > 0
                  AND tupleElement(f, '$ai_clustering_run_id') = {P("run_id" + suffix, "String")}
                ORDER BY timestamp DESC
                LIMIT 1
            )
            ARRAY JOIN clusters AS c
            WHERE cluster_id IS NOT NULL
        """;

    private const string RunColumns = "run_id, team_id, level, job_id, job_name, window_start, window_end, total_items, params, timestamp";

    /// <summary>
    /// Which runs exist in a window, newest first, with their sizes but none of their items? A run written twice is
    /// listed once, by its newest event, as it is read. Run events that cannot be read (not JSON, no run id) come back
    /// too, with an empty run_id and up to as many, so the reader can say so.
    /// </summary>
    public static SqlQuery<RunListRow> ListRuns(EventsTable table, RunFilter filter)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["events"] = filter.Level is { } level ? new[] { EventForLevel(level) } : RunEvents,
            ["since"] = filter.Since,
            ["until"] = filter.Until,
            ["first"] = filter.First,
        };
        TeamFilter.Bind(parameters, filter.TeamId);
        var where = new List<string>();
        if (filter.RunIds is { Count: > 0 } ids) { parameters["run_ids"] = ids.ToArray(); where.Add("run_id IN " + P("run_ids", "Array(String)")); }
        if (filter.JobIds is { Count: > 0 } jobIds) { parameters["job_ids"] = jobIds.ToArray(); where.Add("job_id IN " + P("job_ids", "Array(String)")); }
        if (filter.JobName is { } name) { parameters["job_name"] = Wildcard.ToRegex(name); where.Add("match(job_name, " + P("job_name", "String") + ")"); }

        return new SqlQuery<RunListRow>(nameof(ListRuns), $"""
            SELECT
                {RunColumns},
                length(clusters) AS cluster_count,
                arrayMap(c -> tuple({Integer("tupleElement(c, 'cluster_id')")} = -1, ifNull(coalesce({Integer("tupleElement(c, 'size')")}, {Integer("length(tupleElement(c, 'traces'))")}), 0)), clusters) AS sizes,
                arraySum(arrayMap(s -> if(tupleElement(s, 1) = 1, tupleElement(s, 2), 0), sizes)) AS noise_size,
                arrayMax(arrayConcat([0], arrayMap(s -> if(tupleElement(s, 1) = 1, 0, tupleElement(s, 2)), sizes))) AS largest_size,
                arraySum(arrayMap(s -> tupleElement(s, 2), sizes)) AS item_total
            FROM (
                SELECT {RunFields(ItemRank)}, uuid
                FROM {table.Quoted}
                WHERE event IN {P("events", "Array(String)")}
                  AND timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp < {P("until", "DateTime64(6, 'UTC')")}
                  {TeamFilter.Condition(filter.TeamId)} {string.Concat(where.Select(w => "AND " + w + " "))}
                ORDER BY timestamp DESC
                LIMIT 1 BY if(run_id = '', toString(uuid), run_id)
            )
            ORDER BY timestamp DESC
            LIMIT {P("first", "UInt64")} BY run_id = ''
            """, parameters, r => new RunListRow(ReadRunFields(r), r.GetInt32("cluster_count") ?? 0, r.GetInt64("noise_size") ?? 0,
                r.GetInt64("largest_size") ?? 0, r.GetInt64("item_total") ?? 0));
    }

    /// <summary>
    /// The one run event of a run id, read (one typed parse) into <see cref="RunFields"/>: bounded to the id's UTC day
    /// as PostHog's UI does, plus a grace period for runs that finish after midnight; the newest event wins if a run
    /// was written twice. Only events whose text holds the id are parsed at all, and the id is then checked on the
    /// parsed field: a separate JSONExtractString of a large payload measured as slow as the whole metrics scan.
    /// "copies" counts the events whose text holds the id, without parsing them, so a run written twice can be said to be.
    /// </summary>
    internal static string RunRow(EventsTable table, bool teamFilter, string item) => $"""
        SELECT {RunFields(item)},
                (SELECT count() FROM {table.Quoted}
                 WHERE event IN {P("events", "Array(String)")}
                   AND timestamp >= {P("day_start", "DateTime64(6, 'UTC')")} AND timestamp < {P("day_end", "DateTime64(6, 'UTC')")}
                   {TeamFilter.Condition(teamFilter)}
                   AND position(properties, {P("run_id", "String")}) > 0) AS copies
            FROM {table.Quoted}
            WHERE event IN {P("events", "Array(String)")}
              AND timestamp >= {P("day_start", "DateTime64(6, 'UTC')")} AND timestamp < {P("day_end", "DateTime64(6, 'UTC')")}
              {TeamFilter.Condition(teamFilter)}
              AND position(properties, {P("run_id", "String")}) > 0
              AND run_id = {P("run_id", "String")}
            ORDER BY timestamp DESC
            LIMIT 1
        """;

    internal static Dictionary<string, object?> RunParameters(ClusterRunId runId, long? teamId, string suffix = "", Dictionary<string, object?>? into = null)
    {
        var parameters = into ?? new Dictionary<string, object?>();
        parameters["events"] = RunEvents;
        parameters["day_start" + suffix] = runId.DayStart;
        parameters["day_end" + suffix] = runId.EventSearchEnd;
        parameters["run_id" + suffix] = runId.RunId;
        TeamFilter.Bind(parameters, teamId);
        return parameters;
    }

    /// <summary>What clusters does this run hold? One row per cluster, without its items; one row with no cluster when it has none.</summary>
    public static SqlQuery<RunClusterRow> RunClusters(EventsTable table, ClusterRunId runId, long? teamId) => new(nameof(RunClusters), $"""
        SELECT
            {RunColumns},
            payload_valid,
            copies,
            n > 0 AS has_cluster,
            {Integer("tupleElement(c, 'cluster_id')")} AS cluster_id,
            {Integer("tupleElement(c, 'size')")} AS size,
            length(tupleElement(c, 'traces')) AS items_in_map,
            tupleElement(c, 'title') AS title,
            tupleElement(c, 'description') AS description,
            tupleElement(c, 'centroid_x') AS centroid_x,
            tupleElement(c, 'centroid_y') AS centroid_y,
            NOT (isNull(tupleElement(tupleElement(c, 'metrics'), 'item_count')) AND isNull(tupleElement(tupleElement(c, 'metrics'), 'error_rate')) AND isNull(tupleElement(tupleElement(c, 'metrics'), 'avg_cost')) AND isNull(tupleElement(tupleElement(c, 'metrics'), 'total_cost'))
                 AND isNull(tupleElement(tupleElement(c, 'metrics'), 'pass_rate'))) AS has_metrics,
            {Integer("tupleElement(tupleElement(c, 'metrics'), 'item_count')")} AS m_item_count,
            tupleElement(tupleElement(c, 'metrics'), 'total_cost') AS m_total_cost,
            tupleElement(tupleElement(c, 'metrics'), 'avg_cost') AS m_avg_cost,
            tupleElement(tupleElement(c, 'metrics'), 'avg_latency') AS m_avg_latency,
            tupleElement(tupleElement(c, 'metrics'), 'avg_tokens') AS m_avg_tokens,
            {Integer("tupleElement(tupleElement(c, 'metrics'), 'error_count')")} AS m_error_count,
            tupleElement(tupleElement(c, 'metrics'), 'error_rate') AS m_error_rate,
            tupleElement(tupleElement(c, 'metrics'), 'pass_rate') AS m_pass_rate,
            tupleElement(tupleElement(c, 'metrics'), 'na_rate') AS m_na_rate,
            tupleElement(tupleElement(c, 'metrics'), 'dominant_evaluation_name') AS m_dominant_evaluation_name,
            tupleElement(tupleElement(c, 'metrics'), 'dominant_runtime') AS m_dominant_runtime,
            tupleElement(tupleElement(c, 'metrics'), 'avg_judge_cost') AS m_avg_judge_cost,
            tupleElement(tupleElement(tupleElement(c, 'metrics'), 'sentiment'), 'label') AS m_sentiment_label,
            tupleElement(tupleElement(tupleElement(c, 'metrics'), 'sentiment'), 'score') AS m_sentiment_score
        FROM ({RunRow(table, teamId is not null, ItemRank)})
        LEFT ARRAY JOIN clusters AS c, arrayEnumerate(clusters) AS n
        """, RunParameters(runId, teamId), r => new RunClusterRow(ReadRunFields(r), r.GetBool("payload_valid"), r.GetInt64("copies") ?? 0, r.GetBool("has_cluster"))
        {
            ClusterId = r.GetInt64("cluster_id"),
            Size = r.GetInt64("size"),
            ItemsInMap = r.GetInt64("items_in_map") ?? 0,
            Title = r.GetText("title"),
            Description = r.GetString("description"),
            CentroidX = r.GetDouble("centroid_x"),
            CentroidY = r.GetDouble("centroid_y"),
            StoredMetrics = r.GetBool("has_metrics")
                ? new RunEventMetrics(r.GetInt64("m_item_count") ?? 0, r.GetDouble("m_avg_cost"), r.GetDouble("m_avg_latency"), r.GetDouble("m_avg_tokens"),
                    r.GetDouble("m_total_cost"), r.GetInt64("m_error_count") ?? 0, r.GetDouble("m_error_rate"))
                : null,
            PassRate = r.GetDouble("m_pass_rate"),
            NaRate = r.GetDouble("m_na_rate"),
            DominantEvaluationName = r.GetString("m_dominant_evaluation_name"),
            DominantRuntime = r.GetString("m_dominant_runtime"),
            AvgJudgeCost = r.GetDouble("m_avg_judge_cost"),
            SentimentLabel = r.GetString("m_sentiment_label"),
            SentimentScore = r.GetDouble("m_sentiment_score"),
        });

    /// <summary>Which items does a run's cluster hold, by rank? Only the asked-for clusters and the top items cross the wire.</summary>
    public static SqlQuery<ClusterItemRow> ClusterItems(EventsTable table, ClusterRunId runId, long? teamId, IReadOnlyCollection<int>? clusterIds, int? top)
    {
        var parameters = RunParameters(runId, teamId);
        if (clusterIds is { Count: > 0 }) parameters["cluster_ids"] = clusterIds.Select(i => (long)i).ToArray();
        if (top is { } n) parameters["top"] = n;
        return new SqlQuery<ClusterItemRow>(nameof(ClusterItems), $"""
            SELECT
                run_id, level, window_start, window_end, cluster_id,
                item_id,
                tupleElement(item, 'trace_id') AS trace_id,
                tupleElement(item, 'generation_id') AS generation_id,
                tupleElement(item, 'rank') AS rank,
                tupleElement(item, 'distance_to_centroid') AS distance_to_centroid,
                tupleElement(item, 'x') AS x,
                tupleElement(item, 'y') AS y,
                parseDateTime64BestEffortOrNull(tupleElement(item, 'timestamp'), 6, 'UTC') AS item_timestamp
            FROM (
                SELECT run_id, level, window_start, window_end, c, {Integer("tupleElement(c, 'cluster_id')")} AS cluster_id
                FROM ({RunRow(table, teamId is not null, ItemFields)})
                ARRAY JOIN clusters AS c
                WHERE cluster_id IS NOT NULL {(clusterIds is { Count: > 0 } ? "AND cluster_id IN " + P("cluster_ids", "Array(Int64)") : "")}
            )
            ARRAY JOIN mapKeys(tupleElement(c, 'traces')) AS item_id, mapValues(tupleElement(c, 'traces')) AS item
            ORDER BY cluster_id = -1, cluster_id, rank IS NULL, rank, item_id
            {(top is null ? "" : "LIMIT " + P("top", "UInt64") + " BY cluster_id")}
            """, parameters, r => new ClusterItemRow(ClusterLevels.FromPostHog(r.GetString("level")), r.GetDateTime("window_start"), r.GetDateTime("window_end"),
                r.GetInt32("cluster_id") ?? 0, r.GetStringOrEmpty("item_id"), r.GetString("trace_id"), r.GetString("generation_id"), r.GetInt32("rank"),
                r.GetDouble("distance_to_centroid"), r.GetDouble("x"), r.GetDouble("y"), r.GetDateTime("item_timestamp")));
    }

    /// <summary>Which jobs wrote runs in a window: id, name, level, how often and when last?</summary>
    public static SqlQuery<JobSeenRow> JobsSeenOnRuns(EventsTable table, DateTime since, DateTime until, long? teamId)
    {
        var parameters = new Dictionary<string, object?> { ["events"] = RunEvents, ["since"] = since, ["until"] = until };
        TeamFilter.Bind(parameters, teamId);
        return new SqlQuery<JobSeenRow>(nameof(JobsSeenOnRuns), $"""
            SELECT
                job_id,
                argMax(job_name, timestamp) AS name,
                argMax(level, timestamp) AS job_level,
                argMax(run_id, timestamp) AS last_run_id,
                max(timestamp) AS last_run_at,
                count() AS run_count
            FROM (
                SELECT {RunFields(null)}
                FROM {table.Quoted}
                WHERE event IN {P("events", "Array(String)")}
                  AND timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp < {P("until", "DateTime64(6, 'UTC')")}
                  {TeamFilter.Condition(teamId)}
            )
            WHERE job_id != ''
            GROUP BY job_id
            ORDER BY last_run_at DESC
            """, parameters, r => new JobSeenRow(r.GetStringOrEmpty("job_id"), r.GetStringOrEmpty("name"), ClusterLevels.TryFromPostHog(r.GetString("job_level")),
                r.GetString("last_run_id"), r.GetDateTime("last_run_at"), r.GetInt64("run_count") ?? 0));
    }
}
