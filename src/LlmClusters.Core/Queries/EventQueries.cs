using LlmClusters.Core.Queries.Rows;

namespace LlmClusters.Core.Queries;

/// <summary>Statements about the events table itself: its shape, filling it, and whether it holds anything.</summary>
public static class EventQueries
{
    /// <summary>The columns of PostHog's events table that the module reads and writes (posthog/models/event/sql.py).</summary>
    public static readonly IReadOnlyList<string> Columns = ["uuid", "event", "properties", "timestamp", "team_id", "distinct_id"];

    public static SqlQuery CreateDatabase(EventsTable table) =>
        new(nameof(CreateDatabase), $"CREATE DATABASE IF NOT EXISTS `{table.Database}`") { Writes = true };

    // PostHog's expressions for the columns it fills from properties at insert time (posthog/models/event/sql.py and
    // its materialized-column migrations): the trace id, and every small $ai_* property as text in one map.
    private const string TraceIdColumn = """
        `mat_$ai_trace_id` Nullable(String) MATERIALIZED JSONExtract(properties, '$ai_trace_id', 'Nullable(String)') COMMENT 'column_materializer::properties::$ai_trace_id'
        """;
    private const string TraceIdIndex = "INDEX `bloom_filter_$ai_trace_id` `mat_$ai_trace_id` TYPE bloom_filter(0.001) GRANULARITY 2";
    private static readonly string AiGroupColumn =
        "properties_group_ai Map(String, String) MATERIALIZED mapSort(mapFilter((key, _) -> key LIKE '$ai_%' AND key NOT IN (" +
        string.Join(", ", EventProperties.LeftOutOfGroup.Select(p => $"'{p}'")) + "), CAST(JSONExtractKeysAndValues(properties, 'String'), 'Map(String, String)')))";

    /// <summary>
    /// PostHog's shape: ordered by team, day and event so that bounded queries read little, partitioned by month, with
    /// its columns filled from properties (so an insert of the six plain columns fills them).
    /// </summary>
    public static SqlQuery CreateEventsTable(EventsTable table) => new(nameof(CreateEventsTable), $"""
        CREATE TABLE IF NOT EXISTS {table.Quoted}
        (
            uuid UUID,
            event String,
            properties String,
            timestamp DateTime64(6, 'UTC'),
            team_id Int64,
            distinct_id String,
            created_at DateTime64(6, 'UTC') DEFAULT now64(6, 'UTC'),
            {TraceIdColumn},
            {AiGroupColumn},
            {TraceIdIndex}
        )
        ENGINE = MergeTree
        PARTITION BY toYYYYMM(timestamp)
        ORDER BY (team_id, toDate(timestamp), event, cityHash64(distinct_id), cityHash64(uuid))
        """) { Writes = true };

    /// <summary>Which of PostHog's property columns does the table have, of which type (and is it there at all: then it has properties)?</summary>
    public static SqlQuery<TableColumnRow> PropertyColumnsOf(EventsTable table) => new(nameof(PropertyColumnsOf), $"""
        SELECT name, type FROM system.columns
        WHERE {InSystemTables(table)} AND name IN ('properties', 'mat_$ai_trace_id', 'properties_group_ai')
        """, SystemTableParameters(table), r => new TableColumnRow(r.GetStringOrEmpty("name"), r.GetStringOrEmpty("type")));

    /// <summary>
    /// How many of the table's stored parts lack a property column on disk (it was added, and then not filled for
    /// them, say because the filling was stopped)? Such parts compute the column from properties on every read.
    /// </summary>
    public static SqlQuery<long> PartsWithoutPropertyColumns(EventsTable table) => new(nameof(PartsWithoutPropertyColumns), $"""
        SELECT count() AS parts FROM system.parts
        WHERE {InSystemTables(table)} AND active
          AND name NOT IN (
              SELECT name FROM system.parts_columns
              WHERE {InSystemTables(table)} AND active AND column IN ('mat_$ai_trace_id', 'properties_group_ai')
              GROUP BY name HAVING count() = 2)
        """, SystemTableParameters(table), r => r.GetInt64("parts") ?? 0);

    /// <summary>The condition that picks a table's rows out of system.columns or system.parts (bind <see cref="SystemTableParameters"/>).</summary>
    internal static string InSystemTables(EventsTable table) =>
        $"database = {(table.Database is null ? "currentDatabase()" : ClusterQueries.P("database", "String"))} AND table = {ClusterQueries.P("table", "String")}";

    internal static Dictionary<string, object?> SystemTableParameters(EventsTable table)
    {
        var parameters = new Dictionary<string, object?> { ["table"] = table.Database is null ? table.Name : table.Name[(table.Database.Length + 1)..] };
        if (table.Database is not null) parameters["database"] = table.Database;
        return parameters;
    }

    /// <summary>Adds PostHog's property columns to a table made before the store had them (new rows fill them at once).</summary>
    public static SqlQuery AddPropertyColumns(EventsTable table) => new(nameof(AddPropertyColumns), $"""
        ALTER TABLE {table.Quoted}
            ADD COLUMN IF NOT EXISTS {TraceIdColumn},
            ADD COLUMN IF NOT EXISTS {AiGroupColumn},
            ADD {TraceIdIndex.Replace("INDEX ", "INDEX IF NOT EXISTS ", StringComparison.Ordinal)}
        """) { Writes = true };

    /// <summary>Fills an added column for the rows already stored; the statement ends when every part is rewritten.</summary>
    public static SqlQuery MaterializeColumn(EventsTable table, string column) => new(nameof(MaterializeColumn),
        $"ALTER TABLE {table.Quoted} MATERIALIZE COLUMN `{column}` SETTINGS mutations_sync = 2") { Writes = true, TimeLimit = TimeSpan.Zero };

    /// <summary>The structure of the JSON rows a bound insert reads (quoted for a string literal).</summary>
    internal const string RowStructure = "uuid UUID, event String, properties String, timestamp DateTime64(6, \\'UTC\\'), team_id Int64, distinct_id String";

    /// <summary>The head of an insert; the rows follow it as JSON lines, never as SQL.</summary>
    public static SqlQuery InsertEvents(EventsTable table) =>
        new(nameof(InsertEvents), $"INSERT INTO {table.Quoted} ({string.Join(", ", Columns)}) FORMAT JSONEachRow") { Writes = true };

    /// <summary>
    /// An insert whose rows, JSON lines, are a bound parameter read by the format() table function. The embedded engine
    /// takes this form: an insert with its rows after the SQL fails when the process's standard input is a pipe, since
    /// chDB then also reads standard input as the insert's data.
    /// </summary>
    /// <param name="table">The events table.</param>
    /// <param name="jsonRows">The events, one JSON object each.</param>
    /// <param name="stripContent">Writes each $ai_ event without its heavy properties, as PostHog's ingestion writes events since the split.</param>
    public static SqlQuery InsertEventRows(EventsTable table, IReadOnlyList<string> jsonRows, bool stripContent = false) => new(nameof(InsertEventRows), $"""
        INSERT INTO {table.Quoted} ({string.Join(", ", Columns)})
        SELECT uuid, event, {(stripContent ? $"if(startsWith(event, '$ai_') AND {ContentQueries.CarriesContent("properties")}, {ContentQueries.Stripped("properties")}, properties)" : "properties")}, timestamp, team_id, distinct_id
        FROM format(JSONEachRow, '{RowStructure}', {ClusterQueries.P("rows", "String")})
        """, new Dictionary<string, object?> { ["rows"] = string.Join('\n', jsonRows) }) { Writes = true };

    /// <summary>Does the table hold any event at all? (Used to load demo data only into an empty folder.)</summary>
    public static SqlQuery<bool> HasAnyEvent(EventsTable table) =>
        new(nameof(HasAnyEvent), $"SELECT count() > 0 AS has_events FROM (SELECT 1 FROM {table.Quoted} LIMIT 1)", SqlQuery.NoParameters, r => r.GetBool("has_events"));

    /// <summary>When was the newest event written? (NULL when there is none.)</summary>
    public static SqlQuery<DateTime?> NewestEventTime(EventsTable table) =>
        new(nameof(NewestEventTime), $"SELECT if(count() = 0, NULL, max(timestamp)) AS newest FROM {table.Quoted}", SqlQuery.NoParameters, r => r.GetDateTime("newest"));

    /// <summary>Empties the table; only ever run on the module's own demo folder.</summary>
    public static SqlQuery TruncateEvents(EventsTable table) => new(nameof(TruncateEvents), $"TRUNCATE TABLE {table.Quoted}") { Writes = true };
}
