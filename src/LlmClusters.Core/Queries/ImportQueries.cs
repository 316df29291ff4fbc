using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Queries;

/// <summary>
/// Importing PostHog batch-export files (JSON Lines, gzipped or not, and Parquet): the engine reads each file itself
/// with the file() table function, into a staging table first, so that a malformed file adds nothing.
/// </summary>
public static class ImportQueries
{
    // What a batch export holds of each event; other fields are skipped, and a properties object is read as its JSON text.
    private const string Structure = "uuid UUID, event String, properties String, timestamp DateTime64(6, 'UTC'), team_id Int64, distinct_id String";
    private const string Columns = "uuid, event, properties, timestamp, team_id, distinct_id";

    public static SqlQuery CreateStaging(string staging) => new(nameof(CreateStaging), $"CREATE TABLE `{staging}` ({Structure}) ENGINE = Memory");

    public static SqlQuery DropStaging(string staging) => new(nameof(DropStaging), $"DROP TABLE IF EXISTS `{staging}`");

    /// <summary>Reads a whole file into the staging table; a parse error names the row.</summary>
    public static SqlQuery StageFile(string staging, string path, string format) => new(nameof(StageFile), $"""
        INSERT INTO `{staging}` ({Columns})
        SELECT {Columns} FROM file({ClusterQueries.P("path", "String")}, {ClusterQueries.P("format", "String")}, '{Structure.Replace("'", "''", StringComparison.Ordinal)}')
        SETTINGS date_time_input_format = 'best_effort', input_format_skip_unknown_fields = 1, input_format_json_read_objects_as_strings = 1
        """, new Dictionary<string, object?> { ["path"] = path, ["format"] = format });

    /// <summary>Moves the staged events that the table does not hold yet (by uuid) into it, each uuid once.</summary>
    public static SqlQuery AddNewEvents(EventsTable table, string staging) => new(nameof(AddNewEvents), $"""
        INSERT INTO {table.Quoted} ({Columns})
        SELECT {Columns}
        FROM `{staging}`
        WHERE uuid NOT IN (
            SELECT uuid FROM {table.Quoted}
            WHERE timestamp >= (SELECT min(timestamp) FROM `{staging}`) AND timestamp <= (SELECT max(timestamp) FROM `{staging}`)
        )
        LIMIT 1 BY uuid
        """);

    /// <summary>How many events are staged, and how many of them are new?</summary>
    public static SqlQuery StagedCounts(EventsTable table, string staging) => new(nameof(StagedCounts), $"""
        SELECT
            (SELECT count() FROM `{staging}`) AS staged,
            (SELECT uniqExact(uuid) FROM `{staging}` WHERE uuid NOT IN (
                SELECT uuid FROM {table.Quoted}
                WHERE timestamp >= (SELECT min(timestamp) FROM `{staging}`) AND timestamp <= (SELECT max(timestamp) FROM `{staging}`))) AS fresh
        """);
}
