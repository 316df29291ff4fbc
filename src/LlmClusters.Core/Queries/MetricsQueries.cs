using LlmClusters.Core.Model;
using LlmClusters.Core.Queries.Rows;
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
    // The figures each event gives (see EventProperties for how each is read, and the same on every column). The
    // provider is read only when the figures are split by it.
    private static EventProperties Figures(EventsTable table, MetricsDimension by)
    {
        var figures = new EventProperties(table)
            .Text("trace", "$ai_trace_id").Number("cost", "$ai_total_cost_usd").Number("latency", "$ai_latency")
            .Number("input_tokens", "$ai_input_tokens").Number("output_tokens", "$ai_output_tokens").Text("is_error", "$ai_is_error").Text("model", "$ai_model");
        return by == MetricsDimension.Provider ? figures.Text("provider", "$ai_provider") : figures;
    }

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
        var key = byGeneration ? "toString(uuid)" : "ifNull(e_trace, '')";
        var events = byGeneration ? "('$ai_generation')"
            : by != MetricsDimension.None ? "('$ai_generation', '$ai_embedding')"
            : "('$ai_generation', '$ai_embedding', '$ai_span')";
        var split = by switch { MetricsDimension.Model => "ifNull(e_model, '')", MetricsDimension.Provider => "ifNull(e_provider, '')", _ => "''" };
        var page = definition == MetricsDefinition.Page;
        string Summed(string figure) => page ? $"sum(ifNull({figure}, 0))" : $"sumIf(ifNull({figure}, 0), {Priced})";
        return $"""
            items AS (
                    SELECT {key} AS item, {split} AS dimension,
                        any(ifNull(e_trace, '')) AS trace_id,
                        {Summed("e_cost")} AS cost,
                        {(page ? "max(ifNull(e_latency, 0))" : "sumIf(ifNull(e_latency, 0), event = '$ai_generation')")} AS latency,
                        sumIf(ifNull(e_latency, 0), event = '$ai_generation') AS generation_latency,
                        {Summed("e_input_tokens")} AS input_tokens,
                        {Summed("e_output_tokens")} AS output_tokens,
                        countIf(ifNull(e_is_error, '') = 'true') AS failed_events,
                        groupArrayIf(ifNull(e_model, ''), event = '$ai_generation' AND ifNull(e_model, '') != '') AS models,
                        count() AS event_count,
                        min(timestamp) AS first_seen,
                        max(timestamp) AS last_seen
                    FROM (
                        SELECT uuid, event, timestamp, {Figures(table, by).Columns}
                        FROM {table.Quoted}
                        WHERE event IN {events}
                          AND timestamp >= {P("window_start", "DateTime64(6, 'UTC')")} AND timestamp {(page ? "<=" : "<")} {P("window_end", "DateTime64(6, 'UTC')")}
                          {TeamFilter.Condition(teamFilter)}
                          {(membersOnly ? $"AND {(byGeneration ? "toString(uuid)" : $"ifNull({EventProperties.TextOf(table, "$ai_trace_id")}, '')")} GLOBAL IN (SELECT item FROM members)" : "")}
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
    public static SqlQuery<ClusterFiguresRow> ClusterMetrics(EventsTable table, ClusterRunId runId, DateTime windowStart, DateTime windowEnd, long? teamId,
        long runItems, MetricsDimension by = MetricsDimension.None, MetricsDefinition definition = MetricsDefinition.Page) =>
        new(nameof(ClusterMetrics), $"""
            WITH
                {Members(table, teamId is not null)},
                {Items(table, runId.Level, by, teamId is not null, runItems <= MembershipFilterLimit, definition)}
            {PerCluster}
            """, WindowParameters(runId, teamId, windowStart, windowEnd), ReadClusterFigures);

    /// <summary>
    /// What would each cluster of a membership made here (Invoke-LlmClustering, before its run event exists) cost, how
    /// slow and how error-prone is it, by the figures PostHog's workflow stores on a run? The membership is bound as two
    /// lists instead of unfolded from a run event.
    /// </summary>
    public static SqlQuery<ClusterFiguresRow> MembershipMetrics(EventsTable table, ClusterLevel level, DateTime windowStart, DateTime windowEnd, long? teamId,
        IReadOnlyList<int> clusterIds, IReadOnlyList<string> items)
    {
        var parameters = new Dictionary<string, object?>
        {
            ["window_start"] = windowStart, ["window_end"] = windowEnd,
            ["member_clusters"] = clusterIds.Select(c => (long)c).ToArray(), ["member_items"] = items.ToArray(),
        };
        TeamFilter.Bind(parameters, teamId);
        return new SqlQuery<ClusterFiguresRow>(nameof(MembershipMetrics), $"""
            WITH
                members AS (
                    SELECT tupleElement(pair, 1) AS cluster_id, tupleElement(pair, 2) AS item
                    FROM (SELECT arrayJoin(arrayZip({P("member_clusters", "Array(Int64)")}, {P("member_items", "Array(String)")})) AS pair)
                ),
                {Items(table, level, MetricsDimension.None, teamId is not null, membersOnly: true, MetricsDefinition.Workflow)}
            {PerCluster}
            """, parameters, ReadClusterFigures);
    }

    /// <summary>PostHog's per-cluster figures (<see cref="ClusterFigures"/>) over the items joined to their clusters.</summary>
    private static readonly string PerCluster = $"""
            SELECT
                m.cluster_id AS cluster_id,
                i.dimension AS dimension,
                count() AS item_count,
                {ClusterFigures.Inputs},
                {ClusterFigures.Columns}
            FROM items AS i
            GLOBAL INNER JOIN members AS m ON i.item = m.item
            GROUP BY cluster_id, dimension
            ORDER BY cluster_id = -1, cluster_id, dimension
        """;

    /// <summary>Reads the columns of <see cref="PerCluster"/>.</summary>
    private static ClusterFiguresRow ReadClusterFigures(ResultRow r) =>
        new(r.GetInt32("cluster_id") ?? 0, r.GetStringOrEmpty("dimension"), r.GetInt64("item_count") ?? 0, ClusterFigures.Read(r))
        {
            ItemsWithCost = r.GetInt64("items_with_cost") ?? 0,
            ItemsWithLatency = r.GetInt64("items_with_latency") ?? 0,
            ItemsWithTokens = r.GetInt64("items_with_tokens") ?? 0,
        };

    /// <summary>
    /// The per-item figures of every item in a window, with no run and no membership: the floor the metrics query is
    /// measured against (the same single parse of each event, the same per-item aggregation).
    /// </summary>
    public static SqlQuery<WindowFiguresRow> WindowItemFigures(EventsTable table, ClusterLevel level, DateTime windowStart, DateTime windowEnd, long? teamId)
    {
        var parameters = new Dictionary<string, object?> { ["window_start"] = windowStart, ["window_end"] = windowEnd };
        TeamFilter.Bind(parameters, teamId);
        return new SqlQuery<WindowFiguresRow>(nameof(WindowItemFigures), $"""
            WITH
                {Items(table, level, MetricsDimension.None, teamId is not null, membersOnly: false, MetricsDefinition.Page)}
            SELECT count() AS items, sum(cost) AS cost, sum(latency) AS latency, sum(input_tokens + output_tokens) AS tokens,
                   countIf(failed_events > 0) AS errors, sum(length(models)) AS generations, min(first_seen) AS first_seen, max(last_seen) AS last_seen
            FROM items
            """, parameters, r => new WindowFiguresRow(r.GetInt64("items") ?? 0, r.GetDouble("cost") ?? 0, r.GetDouble("latency") ?? 0, r.GetDouble("tokens") ?? 0,
                r.GetInt64("errors") ?? 0, r.GetInt64("generations") ?? 0, r.GetDateTime("first_seen"), r.GetDateTime("last_seen")));
    }

    /// <summary>Each item's own figures, for drilling down: the only query that sends one row per item.</summary>
    public static SqlQuery<ItemFiguresRow> ItemMetrics(EventsTable table, ClusterRunId runId, DateTime windowStart, DateTime windowEnd, long? teamId,
        long runItems, IReadOnlyCollection<int>? clusterIds)
    {
        var parameters = WindowParameters(runId, teamId, windowStart, windowEnd);
        if (clusterIds is { Count: > 0 }) parameters["cluster_ids"] = clusterIds.Select(i => (long)i).ToArray();
        return new SqlQuery<ItemFiguresRow>(nameof(ItemMetrics), $"""
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
            """, parameters, r => new ItemFiguresRow(r.GetInt32("cluster_id") ?? 0, r.GetStringOrEmpty("item"), r.GetText("trace_id"))
            {
                Cost = r.GetDouble("cost") ?? 0,
                Latency = r.GetDouble("latency") ?? 0,
                GenerationLatency = r.GetDouble("generation_latency") ?? 0,
                InputTokens = r.GetInt64("input_tokens") ?? 0,
                OutputTokens = r.GetInt64("output_tokens") ?? 0,
                FailedEvents = r.GetInt64("failed_events") ?? 0,
                Models = r.GetStrings("models"),
                EventCount = r.GetInt64("event_count") ?? 0,
                FirstSeen = r.GetDateTime("first_seen"),
                LastSeen = r.GetDateTime("last_seen"),
            });
    }
}
