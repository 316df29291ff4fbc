using LlmClusters.Core.Import;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Import;

[Collection(EngineCollectionDefinition.Name)]
public sealed class EventImporterTests(EngineFixture engine) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llmclusters-import-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Writes the demo events as a batch export would: JSON Lines (properties as an object) or Parquet.</summary>
    private async Task<(string Path, long Events)> ExportAsync(string name, string format)
    {
        _ = engine.DemoData;
        var demo = engine.DemoConnection().CreateRunner(null).Source;
        var path = Path.Combine(_folder, name);
        var properties = format == "Parquet" ? "properties" : "CAST(properties, 'JSON') AS properties";
        await demo.QueryAsync(new SqlQuery("Export", $$"""
            INSERT INTO FUNCTION file({path:String}, {format:String})
            SELECT uuid, event, {{properties}}, timestamp, team_id, distinct_id, now() AS created_at FROM {{demo.Table.Quoted}} WHERE event != '$ai_span'
            SETTINGS engine_file_truncate_on_insert = 1
            """, new Dictionary<string, object?> { ["path"] = path, ["format"] = format }), CancellationToken.None);
        var count = await demo.QueryAsync(new SqlQuery("Count", $"SELECT count() FROM {demo.Table.Quoted} WHERE event != '$ai_span'"), CancellationToken.None);
        return (path, Convert.ToInt64(count.Rows[0][0]));
    }

    private static async Task<long> CountAsync(IAnalyticsSource source) =>
        Convert.ToInt64((await source.QueryAsync(new SqlQuery("Count", $"SELECT count() FROM {source.Table.Quoted}"), CancellationToken.None)).Rows[0][0]);

    [Theory]
    [InlineData("export.jsonl", "JSONEachRow")]
    [InlineData("export.jsonl.gz", "JSONEachRow")]
    [InlineData("export.parquet", "Parquet")]
    public async Task An_export_is_imported_once_and_a_second_import_adds_nothing(string name, string format)
    {
        var (path, events) = await ExportAsync(name, format);
        using var target = engine.NewTable("import");
        var importer = new EventImporter(new QueryRunner(target));

        var first = await importer.ImportAsync(path, new ImportOptions(), CancellationToken.None);
        var again = await importer.ImportAsync(path, new ImportOptions(), CancellationToken.None);

        Assert.Equal(format, first.Format);
        Assert.Equal(events, first.EventsRead);
        Assert.Equal(events, first.EventsAdded);
        Assert.Equal(events, again.EventsRead);
        Assert.Equal(0, again.EventsAdded);
        Assert.Equal(events, await CountAsync(target));
        var runs = await target.QueryAsync(new SqlQuery("Runs", $"SELECT count() FROM {target.Table.Quoted} WHERE JSONExtractString(properties, '$ai_clustering_run_id') != ''"), CancellationToken.None);
        Assert.Equal((ulong)engine.DemoData.Runs.Count, runs.Rows[0][0]);
    }

    [Fact]
    public async Task A_malformed_file_is_named_with_its_bad_row_and_adds_nothing()
    {
        var path = Path.Combine(_folder, "broken.jsonl");
        await File.WriteAllLinesAsync(path,
        [
            """{"uuid":"10000000-0000-4000-8000-000000000001","event":"$ai_generation","properties":"{}","timestamp":"2026-03-01T10:00:00Z","team_id":1,"distinct_id":"a"}""",
            """{"uuid":"10000000-0000-4000-8000-000000000002","event":"$ai_generation","properties":"{}","timestamp":"2026-03-01T10:00:01Z","team_id":1,"distinct_id":"a"}""",
            """{"uuid":"not-a-uuid","event":"$ai_generation","properties":"{}","timestamp":"2026-03-01T10:00:02Z","team_id":1,"distinct_id":"a"}""",
        ]);
        using var target = engine.NewTable("broken");

        var error = await Assert.ThrowsAsync<ImportFailedException>(() => new EventImporter(new QueryRunner(target)).ImportAsync(path, new ImportOptions(), CancellationToken.None));

        Assert.Contains("broken.jsonl", error.Message);
        Assert.Contains("row 3", error.Message);
        Assert.Equal(0, await CountAsync(target));
    }

    [Theory]
    [InlineData("events.csv")]
    [InlineData("events.parquet.gz")]
    public async Task Files_that_are_not_exports_are_refused(string name)
    {
        var path = Path.Combine(_folder, name);
        await File.WriteAllTextAsync(path, "x");
        using var target = engine.NewTable("refused");
        var error = await Assert.ThrowsAsync<ImportFailedException>(() => new EventImporter(new QueryRunner(target)).ImportAsync(path, new ImportOptions(), CancellationToken.None));
        Assert.Contains(".parquet", error.Message);
    }

    private static string Line(string? uuid, string? timestamp, long? team = 1, string eventName = "$ai_generation", string properties = "{}") =>
        "{" + string.Join(",", new[]
        {
            uuid is null ? null : $"\"uuid\":\"{uuid}\"",
            $"\"event\":\"{eventName}\"",
            $"\"properties\":{properties}",
            timestamp is null ? null : $"\"timestamp\":\"{timestamp}\"",
            team is null ? null : $"\"team_id\":{team}",
            "\"distinct_id\":\"a\"",
        }.Where(p => p is not null)) + "}";

    [Fact]
    public async Task Events_without_a_uuid_are_refused_with_their_line_unless_uuids_are_derived_from_their_content()
    {
        var path = Path.Combine(_folder, "no-uuid.jsonl");
        await File.WriteAllLinesAsync(path,
        [
            Line("20000000-0000-4000-8000-000000000001", "2026-03-01T10:00:00Z"),
            Line(null, "2026-03-01T10:00:01Z", properties: "{\"n\":1}"),
            Line(null, "2026-03-01T10:00:02Z", properties: "{\"n\":2}"),
            Line(null, "2026-03-01T10:00:03Z", properties: "{\"n\":3}"),
        ]);
        using var target = engine.NewTable("nouuid");
        var importer = new EventImporter(new QueryRunner(target));

        var refused = await Assert.ThrowsAsync<ImportFailedException>(() => importer.ImportAsync(path, new ImportOptions(), CancellationToken.None));
        Assert.Contains("3 events have no uuid (the first on line 2)", refused.Message);
        Assert.Contains("-DeriveMissingUuid", refused.Message);
        Assert.Equal(0, await CountAsync(target));

        var derived = await importer.ImportAsync(path, new ImportOptions { DeriveMissingUuid = true }, CancellationToken.None);
        var again = await importer.ImportAsync(path, new ImportOptions { DeriveMissingUuid = true }, CancellationToken.None);
        Assert.Equal((4, 4, 3), (derived.EventsRead, derived.EventsAdded, derived.UuidsDerived));
        Assert.Equal(0, again.EventsAdded);
        var distinct = await target.QueryAsync(new SqlQuery("Distinct", $"SELECT uniqExact(uuid), countIf(uuid = toUUID('00000000-0000-0000-0000-000000000000')) FROM {target.Table.Quoted}"), CancellationToken.None);
        Assert.Equal([4UL, 0UL], distinct.Rows[0]);
    }

    [Fact]
    public async Task Events_without_a_timestamp_are_refused_with_their_line()
    {
        var path = Path.Combine(_folder, "no-time.jsonl");
        await File.WriteAllLinesAsync(path,
        [
            Line("30000000-0000-4000-8000-000000000001", "2026-03-01T10:00:00Z"),
            Line("30000000-0000-4000-8000-000000000002", null),
        ]);
        using var target = engine.NewTable("notime");

        var refused = await Assert.ThrowsAsync<ImportFailedException>(() => new EventImporter(new QueryRunner(target)).ImportAsync(path, new ImportOptions(), CancellationToken.None));

        Assert.Contains("1 event has no timestamp (the first on line 2)", refused.Message);
        Assert.Equal(0, await CountAsync(target));
    }

    [Fact]
    public async Task Events_without_a_team_take_the_one_given_and_the_result_names_the_teams()
    {
        var path = Path.Combine(_folder, "no-team.jsonl");
        await File.WriteAllLinesAsync(path,
        [
            Line("40000000-0000-4000-8000-000000000001", "2026-03-01T10:00:00Z", team: null),
            Line("40000000-0000-4000-8000-000000000002", "2026-03-01T10:00:01Z", team: null),
            Line("40000000-0000-4000-8000-000000000003", "2026-03-01T10:00:02Z", team: 5),
        ]);
        using var target = engine.NewTable("noteam");

        var result = await new EventImporter(new QueryRunner(target)).ImportAsync(path, new ImportOptions { TeamId = 2 }, CancellationToken.None);

        Assert.Equal(2, result.EventsWithoutTeam);
        Assert.Equal([2L, 5L], result.Teams);
        var teams = await target.QueryAsync(new SqlQuery("Teams", $"SELECT team_id, count() FROM {target.Table.Quoted} GROUP BY team_id ORDER BY team_id"), CancellationToken.None);
        Assert.Equal([[2L, 2UL], [5L, 1UL]], teams.Rows.Select(r => r.ToArray()));
    }

    [Fact]
    public async Task Cancelling_before_the_events_are_added_adds_nothing()
    {
        var (path, _) = await ExportAsync("cancel.jsonl", "JSONEachRow");
        using var target = engine.NewTable("cancel");
        using var cancel = new CancellationTokenSource();
        var observer = new CancelOnQuery("StagedSummary", cancel);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new EventImporter(new QueryRunner(target, observer)).ImportAsync(path, new ImportOptions(), cancel.Token));

        Assert.Equal(0, await CountAsync(target));
    }

    [Fact]
    public async Task Cancelling_while_the_events_are_added_completes_the_file()
    {
        var (path, events) = await ExportAsync("complete.jsonl", "JSONEachRow");
        using var target = engine.NewTable("complete");
        using var cancel = new CancellationTokenSource();
        var observer = new CancelOnQuery("AddNewEvents", cancel);

        var result = await new EventImporter(new QueryRunner(target, observer)).ImportAsync(path, new ImportOptions(), cancel.Token);

        Assert.True(cancel.IsCancellationRequested);
        Assert.Equal(events, result.EventsAdded);
        Assert.Equal(events, await CountAsync(target));
    }

    /// <summary>Cancels as the named statement starts: Ctrl+C at that moment.</summary>
    private sealed class CancelOnQuery(string name, CancellationTokenSource cancel) : IQueryObserver
    {
        public void QueryStarting(SqlQuery query, string location)
        {
            if (query.Name == name) cancel.Cancel();
        }

        public void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows) { }
    }
}
