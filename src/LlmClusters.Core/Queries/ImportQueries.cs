using LlmClusters.Core.Queries.Rows;

namespace LlmClusters.Core.Queries;

/// <summary>
/// Importing PostHog batch-export files (JSON Lines, gzipped or not, and Parquet): the engine reads each file itself
/// with the file() table function, into a staging table first, so that a malformed file adds nothing and missing
/// fields are found, with the row they are on, before anything is added.
/// </summary>
public static class ImportQueries
{
    // What a batch export holds of each event; other fields are skipped, and a properties object is read as its JSON
    // text. uuid, timestamp and team_id are nullable here so that an event without them is noticed, not given a zero.
    // A row of an ai_events export (PostHog's column names) has a trace_id column and its content in columns of its own.
    private static readonly string FileStructure =
        "uuid Nullable(UUID), event String, properties String, timestamp Nullable(DateTime64(6, 'UTC')), team_id Nullable(Int64), distinct_id String, " +
        "trace_id Nullable(String), " + string.Join(", ", ContentQueries.Heavy.Select(h => h.Column + " Nullable(String)"));
    private static readonly string Columns = "uuid, event, properties, timestamp, team_id, distinct_id, trace_id, " + string.Join(", ", ContentQueries.Heavy.Select(h => h.Column));

    /// <summary>
    /// An event's uuid, or, when it has none and the caller asked for it, one made from its content: the same event
    /// imported twice gets the same uuid, so it is still added once.
    /// </summary>
    private static string Uuid(bool derive) => derive
        ? "ifNull(uuid, reinterpretAsUUID(sipHash128(event, toString(timestamp), distinct_id, properties)))"
        : "uuid";

    public static SqlQuery CreateStaging(string staging) => new(nameof(CreateStaging),
        $"CREATE TABLE `{staging}` (row UInt64, {FileStructure}) ENGINE = Memory") { Writes = true };

    public static SqlQuery DropStaging(string staging) => new(nameof(DropStaging), $"DROP TABLE IF EXISTS `{staging}`") { Writes = true };

    /// <summary>Reads a whole file into the staging table, with each event's row number in the file; a parse error names the row.</summary>
    public static SqlQuery StageFile(string staging, string path, string format) => new(nameof(StageFile), $"""
        INSERT INTO `{staging}` (row, {Columns})
        SELECT _row_number + 1, {Columns} FROM file({ClusterQueries.P("path", "String")}, {ClusterQueries.P("format", "String")}, '{FileStructure.Replace("'", "''", StringComparison.Ordinal)}')
        SETTINGS date_time_input_format = 'best_effort', input_format_skip_unknown_fields = 1, input_format_json_read_objects_as_strings = 1
        """, new Dictionary<string, object?> { ["path"] = path, ["format"] = format }) { Writes = true };

    /// <summary>
    /// What the staged events lack, and how many are new: events read; those without a uuid, a timestamp or a team
    /// (each with the first row it happens on); the teams named; and how many distinct events the table does not hold yet.
    /// </summary>
    public static SqlQuery<StagedSummaryRow> StagedSummary(EventsTable table, string staging, bool deriveUuids) => new(nameof(StagedSummary), $"""
        SELECT
            (SELECT count() FROM `{staging}`) AS staged,
            (SELECT countIf(isNull(uuid)) FROM `{staging}`) AS without_uuid,
            (SELECT minIf(row, isNull(uuid)) FROM `{staging}`) AS first_without_uuid,
            (SELECT countIf(isNull(timestamp)) FROM `{staging}`) AS without_timestamp,
            (SELECT minIf(row, isNull(timestamp)) FROM `{staging}`) AS first_without_timestamp,
            (SELECT countIf(isNull(team_id)) FROM `{staging}`) AS without_team,
            (SELECT arraySort(groupUniqArray(assumeNotNull(team_id))) FROM `{staging}` WHERE team_id IS NOT NULL) AS teams,
            (SELECT uniqExact(id) FROM (SELECT {Uuid(deriveUuids)} AS id FROM `{staging}`) WHERE id IS NOT NULL AND id NOT IN (
                SELECT uuid FROM {table.Quoted}
                WHERE timestamp >= (SELECT min(timestamp) FROM `{staging}`) AND timestamp <= (SELECT max(timestamp) FROM `{staging}`))) AS fresh
        """, SqlQuery.NoParameters, r => new StagedSummaryRow(r.GetInt64("staged") ?? 0, r.GetInt64("fresh") ?? 0)
        {
            WithoutUuid = r.GetInt64("without_uuid") ?? 0,
            FirstWithoutUuid = r.GetInt64("first_without_uuid"),
            WithoutTimestamp = r.GetInt64("without_timestamp") ?? 0,
            FirstWithoutTimestamp = r.GetInt64("first_without_timestamp"),
            WithoutTeam = r.GetInt64("without_team") ?? 0,
            Teams = r.GetInt64s("teams"),
        });

    /// <summary>
    /// Moves the staged events that the table does not hold yet (by uuid) into it, each uuid once; events without a team
    /// get the one given. As PostHog's ingestion writes them: without their content, which <see cref="AddNewContent"/> keeps.
    /// </summary>
    public static SqlQuery AddNewEvents(EventsTable table, string staging, bool deriveUuids, long teamId) => new(nameof(AddNewEvents), $"""
        INSERT INTO {table.Quoted} ({string.Join(", ", EventQueries.Columns)})
        SELECT id, event, if(startsWith(event, '$ai_') AND {ContentQueries.CarriesContent("properties")}, {ContentQueries.Stripped("properties")}, properties),
               assumeNotNull(timestamp), ifNull(team_id, {ClusterQueries.P("team_id", "Int64")}), distinct_id
        FROM (SELECT {Uuid(deriveUuids)} AS id, * FROM `{staging}`)
        WHERE id IS NOT NULL AND id NOT IN (
            SELECT uuid FROM {table.Quoted}
            WHERE timestamp >= (SELECT min(timestamp) FROM `{staging}`) AND timestamp <= (SELECT max(timestamp) FROM `{staging}`)
        )
        ORDER BY row
        LIMIT 1 BY id
        """, new Dictionary<string, object?> { ["team_id"] = teamId }) { Writes = true };

    /// <summary>
    /// Keeps the content of the staged events that ai_events does not hold yet: events with their heavy properties
    /// (whole, as PostHog's ingestion writes them) and rows of an ai_events export (their content columns), each uuid once.
    /// </summary>
    public static SqlQuery AddNewContent(EventsTable table, string staging, bool deriveUuids, long teamId) => new(nameof(AddNewContent), $"""
        INSERT INTO {table.AiEvents.Quoted} ({ContentQueries.AiColumns})
        SELECT {ContentQueries.AiRowOf("id", "properties", h => $"coalesce({h.Column}, nullIf(JSONExtractRaw(properties, '{h.Property}'), ''))")}
        FROM (
            SELECT {Uuid(deriveUuids)} AS id, * EXCEPT (team_id, timestamp), assumeNotNull(timestamp) AS timestamp, ifNull(team_id, {ClusterQueries.P("team_id", "Int64")}) AS team_id
            FROM `{staging}`
        )
        WHERE id IS NOT NULL AND startsWith(event, '$ai_') AND (trace_id IS NOT NULL OR {ContentQueries.CarriesContent("properties")})
          AND id NOT IN (
            SELECT uuid FROM {table.AiEvents.Quoted}
            WHERE timestamp >= (SELECT min(timestamp) FROM `{staging}`) AND timestamp <= (SELECT max(timestamp) FROM `{staging}`)
        )
        ORDER BY row
        LIMIT 1 BY id
        """, new Dictionary<string, object?> { ["team_id"] = teamId }) { Writes = true };
}
