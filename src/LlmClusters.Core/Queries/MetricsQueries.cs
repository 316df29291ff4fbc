using LlmClusters.Core.Model;
using LlmClusters.Core.Sources;
using static LlmClusters.Core.Queries.ClusterQueries;

namespace LlmClusters.Core.Queries;

/// <summary>
/// Cluster metrics computed where the data is, by PostHog's definitions (trace_clustering/data.py): per item
/// (trace-level: the trace's events in the run's window; generation-level: the generation event), then per cluster.
/// One statement per run: the run's membership is unfolded from its own event inside ClickHouse and joined to one
/// pass over the window's events, so no id list crosses the wire and a run of 100,000 items needs nothing more.
/// </summary>
public static class MetricsQueries
{
    // One parse of each event's properties reads every figure: JSONExtract into a tuple reads numbers stored as
    // numbers or as numeric strings; $ai_is_error is read as Dynamic so that true and "true" both count.
    private const string Figures =
        "JSONExtract(properties, 'Tuple(`$ai_trace_id` String, `$ai_total_cost_usd` Nullable(Float64), `$ai_latency` Nullable(Float64), " +
        "`$ai_input_tokens` Nullable(Float64), `$ai_output_tokens` Nullable(Float64), `$ai_is_error` Dynamic, `$ai_model` String, `$ai_provider` String)')";

    private const string Priced = "event IN ('$ai_generation', '$ai_embedding')";

    /// <summary>The run's window, read from its event once (a scalar subquery), so the scan of events is bounded by it.</summary>
    private static string RunWindow(EventsTable table, bool teamFilter) => $"""
        (SELECT (parseDateTime64BestEffortOrNull(JSONExtractString(properties, '$ai_window_start'), 6, 'UTC'),
                 parseDateTime64BestEffortOrNull(JSONExtractString(properties, '$ai_window_end'), 6, 'UTC'))
             FROM ({RunEvent(table, teamFilter)})) AS run_window
        """;

    /// <summary>Every (cluster, item) pair of the run, unfolded from its event in one typed parse of the payload.</summary>
    private static string Members(EventsTable table, bool teamFilter) => $"""
        members AS (
                SELECT tupleElement(c, 'cluster_id') AS cluster_id, arrayJoin(mapKeys(tupleElement(c, 'traces'))) AS item
                FROM ({RunEvent(table, teamFilter)})
                ARRAY JOIN JSONExtract({ClustersJson}, 'Array(Tuple(cluster_id Nullable(Int64), traces Map(String, Tuple(rank Nullable(Int64)))))') AS c
                WHERE cluster_id IS NOT NULL
            )
        """;

    /// <summary>
    /// One row per item (and per model or provider when split): PostHog's per-item figures. Trace-level items are
    /// keyed by $ai_trace_id over all four LLM event kinds; generation-level items by the generation's uuid.
    /// </summary>
    private static string Items(EventsTable table, string level, MetricsDimension by, bool teamFilter)
    {
        var byGeneration = level == "generation";
        var key = byGeneration ? "toString(uuid)" : "p.1";
        var events = byGeneration || by != MetricsDimension.None
            ? (byGeneration ? "('$ai_generation')" : "('$ai_generation', '$ai_embedding')")
            : "('$ai_trace', '$ai_generation', '$ai_span', '$ai_embedding')";
        var split = by switch { MetricsDimension.Model => "p.7", MetricsDimension.Provider => "p.8", _ => "''" };
        return $"""
            items AS (
                    SELECT {key} AS item, {split} AS dimension,
                        any(p.1) AS trace_id,
                        sumIf(ifNull(p.2, 0), {Priced}) AS cost,
                        sumIf(ifNull(p.3, 0), event = '$ai_generation') AS latency,
                        sumIf(ifNull(p.4, 0), {Priced}) AS input_tokens,
                        sumIf(ifNull(p.5, 0), {Priced}) AS output_tokens,
                        max(lower(toString(p.6)) = 'true') AS errored,
                        groupArrayIf(p.7, event = '$ai_generation' AND p.7 != '') AS models,
                        count() AS event_count,
                        min(timestamp) AS first_seen,
                        max(timestamp) AS last_seen
                    FROM (
                        SELECT uuid, event, timestamp, {Figures} AS p
                        FROM {table.Quoted}
                        WHERE event IN {events}
                          AND timestamp >= run_window.1 AND timestamp < run_window.2
                          {(teamFilter ? "AND team_id = " + P("team_id", "Int64") : "")}
                    )
                    GROUP BY item, dimension
                )
            """;
    }

    /// <summary>What does each cluster of this run cost, how slow and how error-prone is it (optionally per model or provider)?</summary>
    public static SqlQuery ClusterMetrics(EventsTable table, ClusterRunId runId, long? teamId, MetricsDimension by = MetricsDimension.None) =>
        new(nameof(ClusterMetrics), $"""
            WITH
                {RunWindow(table, teamId is not null)},
                {Members(table, teamId is not null)},
                {Items(table, runId.Level, by, teamId is not null)}
            SELECT
                m.cluster_id AS cluster_id,
                i.dimension AS dimension,
                count() AS item_count,
                sumIf(i.cost, i.cost > 0) AS total_cost,
                avgIf(i.cost, i.cost > 0) AS avg_cost,
                quantileExactIf(0.95)(i.cost, i.cost > 0) AS p95_cost,
                avgIf(i.latency, i.latency > 0) AS avg_latency,
                quantilesExactIf(0.5, 0.95, 0.99)(i.latency, i.latency > 0) AS latency_quantiles,
                countIf(i.cost > 0) AS items_with_cost,
                countIf(i.latency > 0) AS items_with_latency,
                avgIf(i.input_tokens + i.output_tokens, i.input_tokens + i.output_tokens > 0) AS avg_tokens,
                sum(i.input_tokens) AS input_tokens,
                sum(i.output_tokens) AS output_tokens,
                sum(i.errored) AS error_count,
                topKArray(1)(i.models) AS top_model,
                uniqExactArray(i.models) AS model_count,
                min(i.first_seen) AS first_seen,
                max(i.last_seen) AS last_seen,
                any(run_window) AS window
            FROM items AS i
            GLOBAL INNER JOIN members AS m ON i.item = m.item
            GROUP BY cluster_id, dimension
            ORDER BY cluster_id = -1, cluster_id, dimension
            """, RunParameters(runId, teamId));

    /// <summary>Each item's own figures, for drilling down: the only query that sends one row per item.</summary>
    public static SqlQuery ItemMetrics(EventsTable table, ClusterRunId runId, long? teamId, IReadOnlyCollection<int>? clusterIds)
    {
        var parameters = RunParameters(runId, teamId);
        if (clusterIds is { Count: > 0 }) parameters["cluster_ids"] = clusterIds.Select(i => (long)i).ToArray();
        return new SqlQuery(nameof(ItemMetrics), $"""
            WITH
                {RunWindow(table, teamId is not null)},
                {Members(table, teamId is not null)},
                {Items(table, runId.Level, MetricsDimension.None, teamId is not null)}
            SELECT m.cluster_id AS cluster_id, i.item AS item, i.trace_id AS trace_id, i.cost AS cost, i.latency AS latency,
                   i.input_tokens AS input_tokens, i.output_tokens AS output_tokens, i.errored AS errored,
                   i.models AS models, i.event_count AS event_count, i.first_seen AS first_seen, i.last_seen AS last_seen
            FROM items AS i
            GLOBAL INNER JOIN members AS m ON i.item = m.item
            {(clusterIds is { Count: > 0 } ? "WHERE m.cluster_id IN " + P("cluster_ids", "Array(Int64)") : "")}
            ORDER BY cluster_id = -1, cluster_id, item
            """, parameters);
    }
}
