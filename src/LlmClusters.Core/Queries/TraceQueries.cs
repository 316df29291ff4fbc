using LlmClusters.Core.Sources;
using static LlmClusters.Core.Queries.ClusterQueries;

namespace LlmClusters.Core.Queries;

/// <summary>
/// The questions asked of traces: every event of some traces (with their messages), or per-trace totals by PostHog's
/// trace definitions (cost and tokens over generations and embeddings, latency over generations), never message bodies.
/// </summary>
public static class TraceQueries
{
    /// <summary>PostHog's TraceQuery looks this far either side of a window for a trace's events.</summary>
    public static readonly TimeSpan Margin = TimeSpan.FromMinutes(10);

    private const string LlmEvents = "('$ai_trace', '$ai_generation', '$ai_span', '$ai_embedding')";

    private const string Fields =
        "JSONExtract(properties, 'Tuple(`$ai_trace_id` String, `$ai_span_id` Nullable(String), `$ai_parent_id` Nullable(String), " +
        "`$ai_span_name` Nullable(String), `$ai_trace_name` Nullable(String), `$ai_model` Nullable(String), `$ai_provider` Nullable(String), " +
        "`$ai_latency` Nullable(Float64), `$ai_total_cost_usd` Nullable(Float64), `$ai_input_tokens` Nullable(Float64), " +
        "`$ai_output_tokens` Nullable(Float64), `$ai_is_error` Nullable(String), `$ai_error` Nullable(String))')";

    private const string Priced = "event IN ('$ai_generation', '$ai_embedding')";

    private static Dictionary<string, object?> Bounds(DateTime since, DateTime until, long? teamId)
    {
        var parameters = new Dictionary<string, object?> { ["since"] = since, ["until"] = until };
        if (teamId is { } team) parameters["team_id"] = team;
        return parameters;
    }

    private static string Where(bool teamFilter) => $"""
        event IN {LlmEvents}
              AND timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp < {P("until", "DateTime64(6, 'UTC')")}
              {(teamFilter ? "AND team_id = " + P("team_id", "Int64") : "")}
        """;

    /// <summary>Every event of these traces between the bounds, in order, with their inputs and outputs.</summary>
    public static SqlQuery TraceEvents(EventsTable table, IReadOnlyCollection<string> traceIds, DateTime since, DateTime until, long? teamId)
    {
        var parameters = Bounds(since, until, teamId);
        parameters["trace_ids"] = traceIds.ToArray();
        return new SqlQuery(nameof(TraceEvents), $"""
            SELECT
                tupleElement(f, 1) AS trace_id, uuid, event, timestamp, team_id AS team,
                tupleElement(f, 2) AS span_id, tupleElement(f, 3) AS parent_id, tupleElement(f, 4) AS span_name, tupleElement(f, 5) AS trace_name,
                tupleElement(f, 6) AS model, tupleElement(f, 7) AS provider, tupleElement(f, 8) AS latency, tupleElement(f, 9) AS cost,
                tupleElement(f, 10) AS input_tokens, tupleElement(f, 11) AS output_tokens,
                ifNull(tupleElement(f, 12), '') = 'true' AS is_error, tupleElement(f, 13) AS error,
                if({Priced}, JSONExtractRaw(properties, '$ai_input'), JSONExtractRaw(properties, '$ai_input_state')) AS input,
                if({Priced}, JSONExtractRaw(properties, '$ai_output_choices'), JSONExtractRaw(properties, '$ai_output_state')) AS output
            FROM (
                SELECT uuid, event, timestamp, team_id, properties, {Fields} AS f
                FROM {table.Quoted}
                WHERE {Where(teamId is not null)}
                  AND JSONExtractString(properties, '$ai_trace_id') IN {P("trace_ids", "Array(String)")}
            )
            ORDER BY trace_id, timestamp, event = '$ai_trace' DESC
            """, parameters);
    }

    private static string Totals => $"""
        tupleElement(f, 1) AS trace_id,
            anyIf(coalesce(tupleElement(f, 5), tupleElement(f, 4)), event = '$ai_trace') AS trace_name,
            min(timestamp) AS start_time,
            max(timestamp) AS end_time,
            sumIf(ifNull(tupleElement(f, 8), 0), event = '$ai_generation') AS total_latency,
            sumIf(ifNull(tupleElement(f, 9), 0), {Priced}) AS total_cost,
            sumIf(ifNull(tupleElement(f, 10), 0), {Priced}) AS input_tokens,
            sumIf(ifNull(tupleElement(f, 11), 0), {Priced}) AS output_tokens,
            countIf(ifNull(tupleElement(f, 12), '') = 'true') AS error_count,
            count() AS event_count,
            any(team_id) AS team,
            arraySort(groupUniqArrayIf(ifNull(tupleElement(f, 6), ''), {Priced} AND ifNull(tupleElement(f, 6), '') != '')) AS models
        """;

    /// <summary>Per-trace totals of the events between the bounds (and, when given, of the listed traces only).</summary>
    private static string TotalsPerTrace(EventsTable table, bool teamFilter, bool listedOnly) => $"""
        SELECT {Totals}
            FROM (
                SELECT event, timestamp, team_id, {Fields} AS f
                FROM {table.Quoted}
                WHERE {Where(teamFilter)}
                  {(listedOnly ? "AND JSONExtractString(properties, '$ai_trace_id') IN " + P("trace_ids", "Array(String)") : "")}
            )
            GROUP BY trace_id
        """;

    /// <summary>The totals of these traces between the bounds, one row per trace that has events.</summary>
    public static SqlQuery TraceTotals(EventsTable table, IReadOnlyCollection<string> traceIds, DateTime since, DateTime until, long? teamId)
    {
        var parameters = Bounds(since, until, teamId);
        parameters["trace_ids"] = traceIds.ToArray();
        return new SqlQuery(nameof(TraceTotals), TotalsPerTrace(table, teamId is not null, listedOnly: true), parameters);
    }

    /// <summary>The newest traces of a window with their totals, optionally only those using a model, or only failing ones.</summary>
    public static SqlQuery RecentTraces(EventsTable table, DateTime since, DateTime until, long? teamId, string? model, bool errorOnly, int first)
    {
        var parameters = Bounds(since, until, teamId);
        parameters["first"] = first;
        // Events without a trace id belong to no trace: they would all be lumped into one nameless "trace".
        var having = new List<string> { "trace_id != ''" };
        if (model is not null) { parameters["model"] = model; having.Add("has(models, " + P("model", "String") + ")"); }
        if (errorOnly) having.Add("error_count > 0");
        return new SqlQuery(nameof(RecentTraces), $"""
            {TotalsPerTrace(table, teamId is not null, listedOnly: false)}
            HAVING {string.Join(" AND ", having)}
            ORDER BY start_time DESC
            LIMIT {P("first", "UInt64")}
            """, parameters);
    }
}
