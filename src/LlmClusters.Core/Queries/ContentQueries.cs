using LlmClusters.Core.Queries.Rows;
using static LlmClusters.Core.Queries.ClusterQueries;

namespace LlmClusters.Core.Queries;

/// <summary>
/// Where today's PostHog keeps message content: the <c>ai_events</c> table (posthog/models/ai_events/sql.py), which
/// holds each <c>$ai_*</c> event whole while <c>events</c> holds it without its six heavy properties. These are the
/// questions asked of it and the statements that write the embedded store in that layout.
/// </summary>
public static class ContentQueries
{
    /// <summary>Each heavy property, the ai_events column that holds it, and its flag.</summary>
    public static readonly IReadOnlyList<(string Property, string Column, ContentColumns Flag)> Heavy =
    [
        ("$ai_input", "input", ContentColumns.Input),
        ("$ai_output", "output", ContentColumns.Output),
        ("$ai_output_choices", "output_choices", ContentColumns.OutputChoices),
        ("$ai_input_state", "input_state", ContentColumns.InputState),
        ("$ai_output_state", "output_state", ContentColumns.OutputState),
        ("$ai_tools", "tools", ContentColumns.Tools),
    ];

    /// <summary>The columns filled from an event's properties, with the expressions of PostHog's materialized view (AI_EVENTS_MV_SQL).</summary>
    private static readonly IReadOnlyList<(string Column, string Type, string Expression)> Typed = BuildTyped();

    private static List<(string, string, string)> BuildTyped()
    {
        var columns = new List<(string, string, string)> { ("trace_id", "String", "JSONExtractString(properties, '$ai_trace_id')") };
        void Text(string column, string type, string property) => columns.Add((column, type, $"JSONExtract(properties, '{property}', 'Nullable(String)')"));
        void Int(string column) => columns.Add((column, "Nullable(Int64)", $"JSONExtract(properties, '$ai_{column}', 'Nullable(Int64)')"));
        void Float(string column) => columns.Add((column, "Nullable(Float64)", $"JSONExtract(properties, '$ai_{column}', 'Nullable(Float64)')"));
        foreach (var name in new[] { "session_id", "parent_id", "span_id" }) Text(name, "Nullable(String)", "$ai_" + name);
        Text("span_type", "LowCardinality(Nullable(String))", "$ai_span_type");
        foreach (var name in new[] { "generation_id", "experiment_id", "span_name", "trace_name", "prompt_name" }) Text(name, "Nullable(String)", "$ai_" + name);
        foreach (var name in new[] { "model", "provider", "framework" }) Text(name, "LowCardinality(Nullable(String))", "$ai_" + name);
        foreach (var name in new[]
                 {
                     "total_tokens", "input_tokens", "output_tokens", "text_input_tokens", "text_output_tokens", "image_input_tokens", "image_output_tokens",
                     "audio_input_tokens", "audio_output_tokens", "video_input_tokens", "video_output_tokens", "reasoning_tokens", "cache_read_input_tokens",
                     "cache_creation_input_tokens", "web_search_count",
                 })
            Int(name);
        foreach (var name in new[]
                 {
                     "input_cost_usd", "output_cost_usd", "total_cost_usd", "request_cost_usd", "web_search_cost_usd", "audio_cost_usd", "image_cost_usd",
                     "video_cost_usd", "latency", "time_to_first_token",
                 })
            Float(name);
        columns.Add(("is_error", "UInt8", "if(JSONExtractRaw(properties, '$ai_is_error') IN ('true', '\"true\"'), 1, 0)"));
        Text("error", "Nullable(String)", "$ai_error");
        Text("error_type", "LowCardinality(Nullable(String))", "$ai_error_type");
        Text("error_normalized", "Nullable(String)", "$ai_error_normalized");
        return columns;
    }

    /// <summary>
    /// The properties without the heavy ones, as PostHog strips them (_strip_heavy_properties_sql): the raw JSON of
    /// every other value kept as written.
    /// </summary>
    public static string Stripped(string properties) =>
        $"concat('{{', arrayStringConcat(arrayMap(x -> concat(toJSONString(x.1), ':', x.2), arrayFilter(x -> x.1 NOT IN ({HeavyList}), " +
        $"JSONExtractKeysAndValuesRaw({properties}))), ','), '}}')";

    private static readonly string HeavyList = string.Join(", ", Heavy.Select(h => $"'{h.Property}'"));

    /// <summary>Does the event carry any heavy property? (An import takes only those as content; see ImportQueries.AddNewContent.)</summary>
    public static string CarriesContent(string properties) => $"arrayExists(k -> k IN ({HeavyList}), JSONExtractKeys({properties}))";

    /// <summary>
    /// PostHog's ai_events layout without its Kafka metadata columns, ordered by team, trace and time. No TTL: the
    /// store is the user's copy, so content imported from an old export is kept, not dropped after 30 days.
    /// </summary>
    public static SqlQuery CreateAiEventsTable(EventsTable table) => new(nameof(CreateAiEventsTable), $"""
        CREATE TABLE IF NOT EXISTS {table.AiEvents.Quoted}
        (
            uuid UUID,
            event LowCardinality(String),
            timestamp DateTime64(6, 'UTC'),
            team_id Int64,
            distinct_id String,
            person_id UUID,
            properties String,
            retention_days Int16 DEFAULT 30,
            drop_date Date MATERIALIZED toDate(timestamp) + toIntervalDay(retention_days),
            {string.Join(",\n    ", Typed.Select(t => $"{t.Column} {t.Type}"))},
            {string.Join(",\n    ", Heavy.Select(h => $"{h.Column} Nullable(String)"))},
            INDEX idx_trace_id trace_id TYPE bloom_filter(0.001) GRANULARITY 1
        )
        ENGINE = MergeTree
        PARTITION BY toYYYYMM(drop_date)
        ORDER BY (team_id, trace_id, timestamp)
        """) { Writes = true };

    /// <summary>The columns an insert into ai_events names, in the order of <see cref="AiRowOf"/>.</summary>
    public static readonly string AiColumns =
        "uuid, event, timestamp, team_id, distinct_id, properties, " + string.Join(", ", Typed.Select(t => t.Column)) + ", " + string.Join(", ", Heavy.Select(h => h.Column));

    /// <summary>The SELECT list that makes an ai_events row of an event (its properties whole) as PostHog's view does.</summary>
    /// <param name="uuid">The event's uuid.</param>
    /// <param name="properties">Its properties' JSON text.</param>
    /// <param name="heavy">Each heavy column's value; by default the property's raw JSON, as PostHog's view reads it.</param>
    public static string AiRowOf(string uuid, string properties, Func<(string Property, string Column, ContentColumns Flag), string>? heavy = null) =>
        $"{uuid}, event, timestamp, team_id, distinct_id, {Stripped(properties)}, " +
        string.Join(", ", Typed.Select(t => t.Expression.Replace("(properties,", $"({properties},", StringComparison.Ordinal))) + ", " +
        string.Join(", ", Heavy.Select(h => heavy?.Invoke(h) ?? $"nullIf(JSONExtractRaw({properties}, '{h.Property}'), '')"));

    /// <summary>
    /// Writes the rows' $ai_ events to ai_events, whole, as PostHog's ingestion does (those without content too, such as
    /// privacy mode's, so that their row says the content was never there rather than gone); the rows travel as a
    /// bound parameter (see <see cref="EventQueries.InsertEventRows"/>).
    /// </summary>
    public static SqlQuery InsertAiEventRows(EventsTable table, IReadOnlyList<string> jsonRows) => new(nameof(InsertAiEventRows), $"""
        INSERT INTO {table.AiEvents.Quoted} ({AiColumns})
        SELECT {AiRowOf("uuid", "properties")}
        FROM format(JSONEachRow, '{EventQueries.RowStructure}', {P("rows", "String")})
        WHERE startsWith(event, '$ai_')
        """, new Dictionary<string, object?> { ["rows"] = string.Join('\n', jsonRows) }) { Writes = true };

    /// <summary>Gives every $ai_ event already in the events table its row of ai_events (a store made before it had one).</summary>
    public static SqlQuery CopyEventsToAiEvents(EventsTable table) => new(nameof(CopyEventsToAiEvents), $"""
        INSERT INTO {table.AiEvents.Quoted} ({AiColumns})
        SELECT {AiRowOf("uuid", "properties")}
        FROM {table.Quoted}
        WHERE startsWith(event, '$ai_')
        """) { Writes = true };

    /// <summary>Which heavy columns does the table beside the events have (none: there is no such table)?</summary>
    public static SqlQuery<TableColumnRow> ContentColumnsOf(EventsTable table) => new(nameof(ContentColumnsOf), $"""
        SELECT name, type FROM system.columns
        WHERE {EventQueries.InSystemTables(table.AiEvents)}
          AND name IN ('uuid', 'trace_id', {string.Join(", ", Heavy.Select(h => $"'{h.Column}'"))})
        """, EventQueries.SystemTableParameters(table.AiEvents), r => new TableColumnRow(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("type")));

    /// <summary>
    /// The SQL that joins each event of a trace query (its uuid in <c>e.uuid</c>) to its row of ai_events: one row per
    /// uuid (Kafka delivers at least once; PostHog's queries group by uuid), only the traces and bounds asked for, the
    /// heavy columns the table has (NULL for the ones an older schema lacks, which are then read from events).
    /// </summary>
    public static string JoinContent(EventsTable table, string traceIds, string since, string until, bool teamFilter)
    {
        var content = table.Content ?? ContentColumns.None;
        var columns = string.Join(", ", Heavy.Select(h => content.HasFlag(h.Flag) ? $"any({h.Column}) AS c_{h.Column}" : $"nullIf('', '') AS c_{h.Column}"));
        return $"""
            LEFT JOIN (
                SELECT team_id AS c_team, uuid AS c_uuid, 1 AS c_found, {columns}
                FROM {table.AiEvents.Quoted}
                WHERE trace_id IN {traceIds} AND timestamp >= {since} AND timestamp < {until}
                  {TeamFilter.Condition(teamFilter)}
                GROUP BY c_team, c_uuid
            ) AS c ON c.c_team = e.team_id AND c.c_uuid = e.uuid
            """;
    }

    /// <summary>A heavy property of a joined event: from ai_events when it holds it, else from the event's properties.</summary>
    public static string Content(EventsTable table, string property)
    {
        var column = Heavy.First(h => h.Property == property).Column;
        var fromEvents = $"nullIf(JSONExtractRaw(e.properties, '{property}'), '')";
        return table.Content is null or ContentColumns.None ? fromEvents : $"coalesce(nullIf(c.c_{column}, ''), {fromEvents})";
    }
}
