using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Queries;

/// <summary>Statements about the events table itself: its shape, filling it, and whether it holds anything.</summary>
public static class EventQueries
{
    /// <summary>The columns of PostHog's events table that the module reads and writes (posthog/models/event/sql.py).</summary>
    public static readonly IReadOnlyList<string> Columns = ["uuid", "event", "properties", "timestamp", "team_id", "distinct_id"];

    public static SqlQuery CreateDatabase(EventsTable table) =>
        new(nameof(CreateDatabase), $"CREATE DATABASE IF NOT EXISTS `{table.Database}`");

    /// <summary>PostHog's shape: ordered by team, day and event so that bounded queries read little, partitioned by month.</summary>
    public static SqlQuery CreateEventsTable(EventsTable table) => new(nameof(CreateEventsTable), $"""
        CREATE TABLE IF NOT EXISTS {table.Quoted}
        (
            uuid UUID,
            event String,
            properties String,
            timestamp DateTime64(6, 'UTC'),
            team_id Int64,
            distinct_id String,
            created_at DateTime64(6, 'UTC') DEFAULT now64(6, 'UTC')
        )
        ENGINE = MergeTree
        PARTITION BY toYYYYMM(timestamp)
        ORDER BY (team_id, toDate(timestamp), event, cityHash64(distinct_id), cityHash64(uuid))
        """);

    /// <summary>The head of an insert; the rows follow it as JSON lines, never as SQL.</summary>
    public static SqlQuery InsertEvents(EventsTable table) =>
        new(nameof(InsertEvents), $"INSERT INTO {table.Quoted} ({string.Join(", ", Columns)}) FORMAT JSONEachRow");

    /// <summary>
    /// An insert whose rows, JSON lines, are a bound parameter read by the format() table function. The embedded engine
    /// takes this form: an insert with its rows after the SQL fails when the process's standard input is a pipe, since
    /// chDB then also reads standard input as the insert's data.
    /// </summary>
    public static SqlQuery InsertEventRows(EventsTable table, IReadOnlyList<string> jsonRows) => new(nameof(InsertEventRows), $"""
        INSERT INTO {table.Quoted} ({string.Join(", ", Columns)})
        SELECT {string.Join(", ", Columns)}
        FROM format(JSONEachRow, 'uuid UUID, event String, properties String, timestamp DateTime64(6, \'UTC\'), team_id Int64, distinct_id String', {ClusterQueries.P("rows", "String")})
        """, new Dictionary<string, object?> { ["rows"] = string.Join('\n', jsonRows) });

    /// <summary>Does the table hold any event at all? (Used to load demo data only into an empty folder.)</summary>
    public static SqlQuery HasAnyEvent(EventsTable table) =>
        new(nameof(HasAnyEvent), $"SELECT count() > 0 AS has_events FROM (SELECT 1 FROM {table.Quoted} LIMIT 1)");

    /// <summary>When was the newest event written? (NULL when there is none.)</summary>
    public static SqlQuery NewestEventTime(EventsTable table) =>
        new(nameof(NewestEventTime), $"SELECT if(count() = 0, NULL, max(timestamp)) AS newest FROM {table.Quoted}");

    /// <summary>Empties the table; only ever run on the module's own demo folder.</summary>
    public static SqlQuery TruncateEvents(EventsTable table) => new(nameof(TruncateEvents), $"TRUNCATE TABLE {table.Quoted}");
}
