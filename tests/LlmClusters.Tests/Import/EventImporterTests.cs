using LlmClusters.Core.Import;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Import;

[Collection(EngineCollection.Name)]
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

        var first = await importer.ImportAsync(path, CancellationToken.None);
        var again = await importer.ImportAsync(path, CancellationToken.None);

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

        var error = await Assert.ThrowsAsync<ImportFailedException>(() => new EventImporter(new QueryRunner(target)).ImportAsync(path, CancellationToken.None));

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
        var error = await Assert.ThrowsAsync<ImportFailedException>(() => new EventImporter(new QueryRunner(target)).ImportAsync(path, CancellationToken.None));
        Assert.Contains(".parquet", error.Message);
    }
}
