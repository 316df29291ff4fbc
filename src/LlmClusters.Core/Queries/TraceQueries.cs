using LlmClusters.Core.Formatting;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries.Rows;
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
    private const string TraceEventsAndSummaries = "('$ai_trace', '$ai_generation', '$ai_span', '$ai_embedding', '$ai_trace_summary')";

    // What each event of a trace gives (see EventProperties for how each is read).
    private static string Fields(EventsTable table) => new EventProperties(table)
        .Text("trace", "$ai_trace_id").Text("span_id", "$ai_span_id").Text("parent_id", "$ai_parent_id").Text("span_name", "$ai_span_name")
        .Text("trace_name", "$ai_trace_name").Text("model", "$ai_model").Text("provider", "$ai_provider").Number("latency", "$ai_latency")
        .Number("cost", "$ai_total_cost_usd").Number("input_tokens", "$ai_input_tokens").Number("output_tokens", "$ai_output_tokens")
        .Number("cache_read", "$ai_cache_read_input_tokens").Number("cache_write", "$ai_cache_creation_input_tokens")
        .Text("is_error", "$ai_is_error").Columns;

    // What only the events of a whole trace show: failures, the figures beside the totals, and its summary's text.
    private static string Details(EventsTable table) => new EventProperties(table, "d_")
        .Text("error", "$ai_error").Text("error_normalized", "$ai_error_normalized").Number("http_status", "$ai_http_status")
        .Number("ttft", "$ai_time_to_first_token").Text("summary_title", "$ai_summary_title").Text("summary_flow", "$ai_summary_flow_diagram").Columns;

    private const string Summary = "event = '$ai_trace_summary'";

    private static string TraceIdIn(EventsTable table) => $"ifNull({EventProperties.TextOf(table, "$ai_trace_id")}, '') IN {P("trace_ids", "Array(String)")}";

    private const string Priced = "event IN ('$ai_generation', '$ai_embedding')";

    private static Dictionary<string, object?> Bounds(DateTime since, DateTime until, long? teamId)
    {
        var parameters = new Dictionary<string, object?> { ["since"] = since, ["until"] = until };
        TeamFilter.Bind(parameters, teamId);
        return parameters;
    }

    private static string Where(bool teamFilter, string events = LlmEvents) => $"""
        event IN {events}
              AND timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp < {P("until", "DateTime64(6, 'UTC')")}
              {TeamFilter.Condition(teamFilter)}
        """;

    // A heavy property written as JSON null (an SDK's privacy mode) is no content.
    private static bool Written(string? json) => json is { Length: > 0 } && json != "null";

    /// <summary>
    /// Every event of these traces between the bounds, in order, with their inputs and outputs; and the summaries PostHog
    /// wrote of them ($ai_trace_summary), in the same statement, with their title, flow, bullets and notes.
    /// </summary>
    public static SqlQuery<TraceEventRow> TraceEvents(EventsTable table, IReadOnlyCollection<string> traceIds, DateTime since, DateTime until, long? teamId)
    {
        var parameters = Bounds(since, until, teamId);
        parameters["trace_ids"] = traceIds.ToArray();
        // Today's PostHog keeps the content in ai_events (ContentQueries); events written before the split keep it in events.
        var split = table.Content is { } content && content != ContentColumns.None;
        return new SqlQuery<TraceEventRow>(nameof(TraceEvents), $"""
            SELECT
                ifNull(e_trace, '') AS trace_id, e.uuid AS uuid, event, timestamp, team_id AS team,
                e_span_id AS span_id, e_parent_id AS parent_id, e_span_name AS span_name, e_trace_name AS trace_name,
                e_model AS model, e_provider AS provider, e_latency AS latency, e_cost AS cost,
                e_input_tokens AS input_tokens, e_output_tokens AS output_tokens,
                ifNull(e_is_error, '') = 'true' AS is_error, d_error AS error, d_error_normalized AS error_normalized,
                d_http_status AS http_status, e_cache_read AS cache_read, e_cache_write AS cache_write, d_ttft AS ttft,
                if({Priced}, {ContentQueries.Content(table, "$ai_input")}, {ContentQueries.Content(table, "$ai_input_state")}) AS input,
                if({Priced}, {ContentQueries.Content(table, "$ai_output_choices")}, {ContentQueries.Content(table, "$ai_output_state")}) AS output,
                {(split ? "ifNull(c.c_found, 0)" : "0")} AS content_row,
                if({Summary}, d_summary_title, NULL) AS summary_title, if({Summary}, d_summary_flow, NULL) AS summary_flow,
                s_bullets AS summary_bullets, s_notes AS summary_notes
            FROM (
                SELECT uuid, event, timestamp, team_id, properties, {Fields(table)}, {Details(table)},
                       if({Summary}, {EventProperties.JsonOf(table, "$ai_summary_bullets")}, NULL) AS s_bullets,
                       if({Summary}, {EventProperties.JsonOf(table, "$ai_summary_interesting_notes")}, NULL) AS s_notes
                FROM {table.Quoted}
                WHERE {Where(teamId is not null, TraceEventsAndSummaries)}
                  AND {TraceIdIn(table)}
            ) AS e
            {(split ? ContentQueries.JoinContent(table, P("trace_ids", "Array(String)"), P("since", "DateTime64(6, 'UTC')"), P("until", "DateTime64(6, 'UTC')"), teamId is not null) : "")}
            ORDER BY trace_id, timestamp, event = '$ai_trace' DESC
            """, parameters, r => new TraceEventRow(r.GetStringOrEmpty("trace_id"), r.GetInt64("team"), r.GetString("trace_name"), new TraceEvent
            {
                Uuid = r["uuid"] is Guid g ? g : Guid.Empty,
                Event = r.GetStringOrEmpty("event"),
                Timestamp = r.GetDateTime("timestamp") ?? default,
                SpanId = r.GetText("span_id"),
                ParentId = r.GetText("parent_id"),
                SpanName = r.GetText("span_name"),
                Model = r.GetText("model"),
                Provider = r.GetText("provider"),
                Latency = r.GetDouble("latency"),
                Cost = r.GetDouble("cost"),
                InputTokens = r.GetDouble("input_tokens") is { } i ? (long)i : null,
                OutputTokens = r.GetDouble("output_tokens") is { } o ? (long)o : null,
                CacheReadTokens = r.GetDouble("cache_read") is { } read ? (long)read : null,
                CacheWriteTokens = r.GetDouble("cache_write") is { } write ? (long)write : null,
                TimeToFirstToken = r.GetDouble("ttft"),
                IsError = r.GetBool("is_error"),
                Error = ErrorText.Line(r.GetText("error"), r.GetText("error_normalized"), Status(r)),
                ErrorDetail = r.GetText("error"),
                HttpStatus = Status(r),
                Input = MessageText.FromJson(r.GetString("input"), out var badInput),
                Output = MessageText.FromJson(r.GetString("output"), out var badOutput),
            })
            {
                ContentRow = r.GetInt64("content_row") == 1,
                HasContent = Written(r.GetString("input")) || Written(r.GetString("output")),
                MalformedContent = badInput || badOutput,
                Summary = r.GetStringOrEmpty("event") == "$ai_trace_summary"
                    ? TraceSummary.From(r.GetString("summary_title"), r.GetString("summary_flow"), r.GetString("summary_bullets"), r.GetString("summary_notes"), r.GetDateTime("timestamp"))
                    : null,
            });
    }

    private const string Failed = "ifNull(e_is_error, '') = 'true'";

    // A failure counts once: a step flagged because a step under it failed (LangChain flags every run the error
    // passes through) is not counted, nor a failed root when a step under it failed. A trace named by its root, else
    // (the OpenAI and Anthropic wrappers write no root) by its first generation: its span name, else its model.
    private static int? Status(ResultRow r) => r.GetDouble("http_status") is { } status and >= 100 and < 600 ? (int)status : null;

    private static readonly string Totals = $"""
        ifNull(e_trace, '') AS trace_id,
            coalesce(anyIf(coalesce(nullIf(e_trace_name, ''), e_span_name), event = '$ai_trace'),
                     argMinIf(coalesce(e_span_name, e_model), timestamp, event = '$ai_generation')) AS trace_name,
            min(timestamp) AS start_time,
            max(timestamp) AS end_time,
            sumIf(ifNull(e_latency, 0), event = '$ai_generation') AS total_latency,
            sumIf(ifNull(e_cost, 0), {Priced}) AS total_cost,
            sumIf(ifNull(e_input_tokens, 0), {Priced}) AS input_tokens,
            sumIf(ifNull(e_output_tokens, 0), {Priced}) AS output_tokens,
            sumIf(ifNull(e_cache_read, 0), {Priced}) AS cache_read_tokens,
            sumIf(ifNull(e_cache_write, 0), {Priced}) AS cache_write_tokens,
            groupArrayIf(coalesce(nullIf(e_span_id, ''), toString(uuid)), {Failed} AND event != '$ai_trace') AS failed_steps,
            groupUniqArrayIf(assumeNotNull(e_parent_id), {Failed} AND ifNull(e_parent_id, '') != '') AS failed_parents,
            countIf({Failed} AND event = '$ai_trace') AS failed_roots,
            arrayCount(x -> NOT has(failed_parents, x), failed_steps) + if(empty(failed_steps) AND failed_roots > 0, 1, 0) AS error_count,
            count() AS event_count,
            any(team_id) AS team,
            arraySort(groupUniqArrayIf(ifNull(e_model, ''), {Priced} AND ifNull(e_model, '') != '')) AS models,
            arraySort(groupUniqArrayIf(ifNull(e_provider, ''), {Priced} AND ifNull(e_provider, '') != '')) AS providers
        """;

    /// <summary>Reads the columns of <see cref="Totals"/>.</summary>
    private static TraceTotalsRow ReadTotals(ResultRow r) =>
        new(r.GetStringOrEmpty("trace_id"), r.GetText("trace_name"), r.GetDateTime("start_time"), r.GetDateTime("end_time"))
        {
            TotalLatency = r.GetDouble("total_latency") ?? 0,
            TotalCost = r.GetDouble("total_cost") ?? 0,
            InputTokens = (long)(r.GetDouble("input_tokens") ?? 0),
            OutputTokens = (long)(r.GetDouble("output_tokens") ?? 0),
            CacheReadTokens = (long)(r.GetDouble("cache_read_tokens") ?? 0),
            CacheWriteTokens = (long)(r.GetDouble("cache_write_tokens") ?? 0),
            ErrorCount = r.GetInt64("error_count") ?? 0,
            EventCount = r.GetInt64("event_count") ?? 0,
            Models = r.GetStrings("models"),
            Providers = r.GetStrings("providers"),
            Team = r.GetInt64("team"),
        };

    /// <summary>Per-trace totals of the events between the bounds (and, when given, of the listed traces only).</summary>
    private static string TotalsPerTrace(EventsTable table, bool teamFilter, bool listedOnly) => $"""
        SELECT {Totals}
            FROM (
                SELECT uuid, event, timestamp, team_id, {Fields(table)}
                FROM {table.Quoted}
                WHERE {Where(teamFilter)}
                  {(listedOnly ? "AND " + TraceIdIn(table) : "")}
            )
            GROUP BY trace_id
        """;

    /// <summary>The totals of these traces between the bounds, one row per trace that has events.</summary>
    public static SqlQuery<TraceTotalsRow> TraceTotals(EventsTable table, IReadOnlyCollection<string> traceIds, DateTime since, DateTime until, long? teamId)
    {
        var parameters = Bounds(since, until, teamId);
        parameters["trace_ids"] = traceIds.ToArray();
        return new SqlQuery<TraceTotalsRow>(nameof(TraceTotals), TotalsPerTrace(table, teamId is not null, listedOnly: true), parameters, ReadTotals);
    }

    /// <summary>
    /// The newest traces of a window with their totals, optionally only those using a model or a provider (a name or
    /// wildcard, matched as PowerShell matches names: -Model 'gpt-4o*', -Model GPT-4O), or only failing ones.
    /// </summary>
    public static SqlQuery<TraceTotalsRow> RecentTraces(EventsTable table, DateTime since, DateTime until, long? teamId, string? model, bool errorOnly, int first,
        string? provider = null)
    {
        var parameters = Bounds(since, until, teamId);
        parameters["first"] = first;
        // Events without a trace id belong to no trace: they would all be lumped into one nameless "trace".
        var having = new List<string> { "trace_id != ''" };
        if (model is not null) { parameters["model"] = Wildcard.ToRegex(model); having.Add("arrayExists(m -> match(m, " + P("model", "String") + "), models)"); }
        if (provider is not null) { parameters["provider"] = Wildcard.ToRegex(provider); having.Add("arrayExists(p -> match(p, " + P("provider", "String") + "), providers)"); }
        if (errorOnly) having.Add("error_count > 0");
        return new SqlQuery<TraceTotalsRow>(nameof(RecentTraces), $"""
            {TotalsPerTrace(table, teamId is not null, listedOnly: false)}
            HAVING {string.Join(" AND ", having)}
            ORDER BY start_time DESC
            LIMIT {P("first", "UInt64")}
            """, parameters, ReadTotals);
    }

    /// <summary>Which models (or providers) the window's generations and embeddings used, most used first (for completing -Model and -Provider).</summary>
    public static SqlQuery<string> NamesUsed(EventsTable table, bool providers, DateTime since, DateTime until, long? teamId) => new(nameof(NamesUsed), $"""
        SELECT e_name AS name, count() AS uses
        FROM (
            SELECT {new EventProperties(table).Text("name", providers ? "$ai_provider" : "$ai_model").Columns}
            FROM {table.Quoted}
            WHERE {Where(teamId is not null)}
              AND {Priced}
        )
        WHERE ifNull(e_name, '') != ''
        GROUP BY name
        ORDER BY uses DESC, name
        LIMIT 100
        """, Bounds(since, until, teamId), r => r.GetStringOrEmpty("name"));
}
