using LlmClusters.Core.Model;
using LlmClusters.Core.Sources;
using static LlmClusters.Core.Queries.ClusterQueries;

namespace LlmClusters.Core.Queries;

/// <summary>
/// Cluster metrics computed where the data is, by PostHog's definitions (see <see cref="MetricsDefinition"/>): per item
/// (trace-level: the trace's generations, embeddings and spans in the run's window; generation-level: the generation
/// event), then per cluster over the items that have events, as PostHog's page aggregates them.
/// One statement per run: the run's membership is unfolded from its own event inside ClickHouse and joined to one
/// pass over the window's events, so no id list crosses the wire and a run of 100,000 items needs nothing more.
/// The membership gives each item its cluster through a join. For small runs it is also used as an IN filter, so that
/// only the run's items' events are parsed in full and aggregated; a CTE is inlined, so that parses the run event a
/// second time, which pays for itself only while the run's items are a small part of the window's traffic
/// (docs/performance.md has the variants measured).
/// Only functions HogQL exposes are used (tests/hogql/functions.json, from posthog/hogql/functions), so the same text
/// serves PostHog's query API: exact quantiles are read from the sorted values (HogQL has no quantileExact), and the
/// top model from a sumMap of the models' uses (ties go to the first name in order).
/// </summary>
public static class MetricsQueries
{
    // One parse of each event's properties reads every figure: JSONExtract into a tuple reads numbers stored as
    // numbers or as numeric strings, and reads $ai_is_error as the text "true" whether it is true or "true"
    // (reading it as Dynamic measured twice as slow). The provider is read only when the figures are split by it.
    private static string Figures(MetricsDimension by) =>
        "JSONExtract(properties, 'Tuple(`$ai_trace_id` String, `$ai_total_cost_usd` Nullable(Float64), `$ai_latency` Nullable(Float64), " +
        "`$ai_input_tokens` Nullable(Float64), `$ai_output_tokens` Nullable(Float64), `$ai_is_error` Nullable(String), `$ai_model` String" +
        (by == MetricsDimension.Provider ? ", `$ai_provider` String)')" : ")')");

    private const string Priced = "event IN ('$ai_generation', '$ai_embedding')";

    /// <summary>Every (cluster, item) pair of the run, unfolded from its event in one typed parse of the payload.</summary>
    private static string Members(EventsTable table, bool teamFilter) => $"""
        members AS (
                {RunMembers(table, teamFilter)}
            )
        """;

    /// <summary>Runs with at most this many items are filtered by their membership before the scan's full parse.</summary>
    public const int MembershipFilterLimit = 10_000;

    /// <summary>
    /// One row per item (and per model or provider when split): PostHog's per-item figures by the definition asked
    /// for. Trace-level items are keyed by $ai_trace_id over generations, embeddings and spans ($ai_trace events are
    /// not counted, as in PostHog); split by model or provider, over generations and embeddings, which carry one.
    /// Generation-level items are keyed by the generation's uuid. Beside the definition's latency, each item keeps the
    /// sum of its generations' latency (the workflow's), so both can be shown.
    /// </summary>
    private static string Items(EventsTable table, ClusterLevel level, MetricsDimension by, bool teamFilter, bool membersOnly, MetricsDefinition definition)
    {
        var byGeneration = level == ClusterLevel.generation;
        var key = byGeneration ? "toString(uuid)" : "tupleElement(p, 1)";
        var events = byGeneration ? "('$ai_generation')"
            : by != MetricsDimension.None ? "('$ai_generation', '$ai_embedding')"
            : "('$ai_generation', '$ai_embedding', '$ai_span')";
        var split = by switch { MetricsDimension.Model => "tupleElement(p, 7)", MetricsDimension.Provider => "tupleElement(p, 8)", _ => "''" };
        var page = definition == MetricsDefinition.Page;
        string Summed(int field) => page ? $"sum(ifNull(tupleElement(p, {field}), 0))" : $"sumIf(ifNull(tupleElement(p, {field}), 0), {Priced})";
        return $"""
            items AS (
                    SELECT {key} AS item, {split} AS dimension,
                        any(tupleElement(p, 1)) AS trace_id,
                        {Summed(2)} AS cost,
                        {(page ? "max(ifNull(tupleElement(p, 3), 0))" : "sumIf(ifNull(tupleElement(p, 3), 0), event = '$ai_generation')")} AS latency,
                        sumIf(ifNull(tupleElement(p, 3), 0), event = '$ai_generation') AS generation_latency,
                        {Summed(4)} AS input_tokens,
                        {Summed(5)} AS output_tokens,
                        countIf(ifNull(tupleElement(p, 6), '') = 'true') AS failed_events,
                        groupArrayIf(tupleElement(p, 7), event = '$ai_generation' AND tupleElement(p, 7) != '') AS models,
                        count() AS event_count,
                        min(timestamp) AS first_seen,
                        max(timestamp) AS last_seen
                    FROM (
                        SELECT uuid, event, timestamp, {Figures(by)} AS p
                        FROM {table.Quoted}
                        WHERE event IN {events}
                          AND timestamp >= {P("window_start", "DateTime64(6, 'UTC')")} AND timestamp {(page ? "<=" : "<")} {P("window_end", "DateTime64(6, 'UTC')")}
                          {(teamFilter ? "AND team_id = " + P("team_id", "Int64") : "")}
                          {(membersOnly ? $"AND {(byGeneration ? "toString(uuid)" : "JSONExtractString(properties, '$ai_trace_id')")} GLOBAL IN (SELECT item FROM members)" : "")}
                    )
                    GROUP BY item, dimension
                )
            """;
    }

    // The window comes from the run event the caller has already read, so the scan of events is bounded by constants.
    private static Dictionary<string, object?> WindowParameters(ClusterRunId runId, long? teamId, DateTime windowStart, DateTime windowEnd)
    {
        var parameters = RunParameters(runId, teamId);
        parameters["window_start"] = windowStart;
        parameters["window_end"] = windowEnd;
        return parameters;
    }

    /// <summary>What does each cluster of this run cost, how slow and how error-prone is it (optionally per model or provider)?</summary>
    public static SqlQuery ClusterMetrics(EventsTable table, ClusterRunId runId, DateTime windowStart, DateTime windowEnd, long? teamId,
        long runItems, MetricsDimension by = MetricsDimension.None, MetricsDefinition definition = MetricsDefinition.Page) =>
        new(nameof(ClusterMetrics), $"""
            WITH
                {Members(table, teamId is not null)},
                {Items(table, runId.Level, by, teamId is not null, runItems <= MembershipFilterLimit, definition)}
            {PerCluster}
            """, WindowParameters(runId, teamId, windowStart, windowEnd));

    /// <summary>
    /// What would each cluster of a membership made here (Invoke-LlmClustering, before its run event exists) cost, how
    /// slow and how error-prone is it, by the figures PostHog's workflow stores on a run? The membership is bound as two
    /// lists instead of unfolded from a run event.
    /// </summary>
    public static SqlQuery MembershipMetrics(EventsTable table, ClusterLevel level, DateTime windowStart, DateTime windowEnd, long? teamId,
        IReadOnlyList<int> clusterIds, IReadOnlyList<string> items)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["window_start"] = windowStart, ["window_end"] = windowEnd,
            ["member_clusters"] = clusterIds.Select(c => (long)c).ToArray(), ["member_items"] = items.ToArray(),
        };
        if (teamId is { } team) parameters["team_id"] = team;
        return new SqlQuery(nameof(MembershipMetrics), $"""
            WITH
                members AS (
                    SELECT tupleElement(pair, 1) AS cluster_id, tupleElement(pair, 2) AS item
                    FROM (SELECT arrayJoin(arrayZip({P("member_clusters", "Array(Int64)")}, {P("member_items", "Array(String)")})) AS pair)
                ),
                {Items(table, level, MetricsDimension.None, teamId is not null, membersOnly: true, MetricsDefinition.Workflow)}
            {PerCluster}
            """, parameters);
    }

    /// <summary>
    /// The exact quantile of sorted values, as ClickHouse's quantileExact picks it (the value at index floor(p * n)),
    /// which HogQL does not expose; NULL for no values.
    /// </summary>
    private static string ExactQuantile(string sorted, string p) =>
        $"if(empty({sorted}), NULL, arrayElement({sorted}, {Integer($"floor({p} * length({sorted}))")} + 1))";

    /// <summary>PostHog's per-cluster figures over the items joined to their clusters.</summary>
    private static readonly string PerCluster = $"""
            SELECT
                m.cluster_id AS cluster_id,
                i.dimension AS dimension,
                count() AS item_count,
                sumIf(i.cost, i.cost > 0) AS total_cost,
                avgIf(i.cost, i.cost > 0) AS avg_cost,
                arraySort(groupArrayIf(i.cost, i.cost > 0)) AS costs,
                {ExactQuantile("costs", "0.95")} AS p95_cost,
                avgIf(i.latency, i.latency > 0) AS avg_latency,
                arraySort(groupArrayIf(i.latency, i.latency > 0)) AS latencies,
                [{ExactQuantile("latencies", "0.5")}, {ExactQuantile("latencies", "0.95")}, {ExactQuantile("latencies", "0.99")}] AS latency_quantiles,
                avgIf(i.generation_latency, i.generation_latency > 0) AS avg_generation_latency,
                countIf(i.cost > 0) AS items_with_cost,
                countIf(i.latency > 0) AS items_with_latency,
                countIf(i.input_tokens + i.output_tokens > 0) AS items_with_tokens,
                avgIf(i.input_tokens + i.output_tokens, i.input_tokens + i.output_tokens > 0) AS avg_tokens,
                sum(i.input_tokens) AS input_tokens,
                sum(i.output_tokens) AS output_tokens,
                countIf(i.failed_events > 0) AS error_count,
                sum(i.failed_events) AS failed_event_count,
                sumMap(i.models, arrayMap(model -> 1, i.models)) AS model_uses,
                if(empty(tupleElement(model_uses, 1)), NULL,
                   arrayElement(tupleElement(model_uses, 1), indexOf(tupleElement(model_uses, 2), arrayMax(tupleElement(model_uses, 2))))) AS top_model,
                length(tupleElement(model_uses, 1)) AS model_count,
                min(i.first_seen) AS first_seen,
                max(i.last_seen) AS last_seen
            FROM items AS i
            GLOBAL INNER JOIN members AS m ON i.item = m.item
            GROUP BY cluster_id, dimension
            ORDER BY cluster_id = -1, cluster_id, dimension
        """;

    /// <summary>
    /// The per-item figures of every item in a window, with no run and no membership: the floor the metrics query is
    /// measured against (the same single parse of each event, the same per-item aggregation).
    /// </summary>
    public static SqlQuery WindowItemFigures(EventsTable table, ClusterLevel level, DateTime windowStart, DateTime windowEnd, long? teamId)
    {
        var parameters = new Dictionary<string, object?> { ["window_start"] = windowStart, ["window_end"] = windowEnd };
        if (teamId is { } team) parameters["team_id"] = team;
        return new SqlQuery(nameof(WindowItemFigures), $"""
            WITH
                {Items(table, level, MetricsDimension.None, teamId is not null, membersOnly: false, MetricsDefinition.Page)}
            SELECT count() AS items, sum(cost) AS cost, sum(latency) AS latency, sum(input_tokens + output_tokens) AS tokens,
                   countIf(failed_events > 0) AS errors, sum(length(models)) AS generations, min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM items
            """, parameters);
    }

    /// <summary>Each item's own figures, for drilling down: the only query that sends one row per item.</summary>
    public static SqlQuery ItemMetrics(EventsTable table, ClusterRunId runId, DateTime windowStart, DateTime windowEnd, long? teamId,
        long runItems, IReadOnlyCollection<int>? clusterIds)
    {
        var parameters = WindowParameters(runId, teamId, windowStart, windowEnd);
        if (clusterIds is { Count: > 0 }) parameters["cluster_ids"] = clusterIds.Select(i => (long)i).ToArray();
        return new SqlQuery(nameof(ItemMetrics), $"""
            WITH
                {Members(table, teamId is not null)},
                {Items(table, runId.Level, MetricsDimension.None, teamId is not null, runItems <= MembershipFilterLimit, MetricsDefinition.Page)}
            SELECT m.cluster_id AS cluster_id, i.item AS item, i.trace_id AS trace_id, i.cost AS cost, i.latency AS latency,
                   i.generation_latency AS generation_latency, i.input_tokens AS input_tokens, i.output_tokens AS output_tokens,
                   i.failed_events AS failed_events,
                   i.models AS models, i.event_count AS event_count, i.first_seen AS first_seen, i.last_seen AS last_seen
            FROM items AS i
            GLOBAL INNER JOIN members AS m ON i.item = m.item
            {(clusterIds is { Count: > 0 } ? "WHERE m.cluster_id IN " + P("cluster_ids", "Array(Int64)") : "")}
            ORDER BY cluster_id = -1, cluster_id, item
            """, parameters);
    }
}
