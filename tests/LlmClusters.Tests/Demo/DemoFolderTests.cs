using LlmClusters.Core.Demo;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Demo;

[Collection(EngineCollectionDefinition.Name)]
public sealed class DemoFolderTests(EngineFixture engine)
{
    [Fact]
    public async Task The_demo_folder_is_filled_once_and_refilled_when_its_data_is_old()
    {
        using var source = engine.NewTable("demofolder");
        var runner = new QueryRunner(source);
        var now = new DateTime(2026, 6, 1, 12, 30, 0, DateTimeKind.Utc);
        DemoDataOptions Options(DateTime at) => new() { TraceCount = 200, Seed = 2, End = DemoDataOptions.DefaultEnd(at) };
        async Task<ulong> Count() => (ulong)(await source.QueryAsync(new SqlQuery("Count", $"SELECT count() FROM {source.Table.Quoted}"), CancellationToken.None)).Rows[0][0]!;

        Assert.Equal(DemoFolder.Outcome.Loaded, await DemoFolder.EnsureCurrentAsync(runner, Options(now), now, null, CancellationToken.None));
        var first = await Count();
        Assert.Equal(DemoFolder.Outcome.Current, await DemoFolder.EnsureCurrentAsync(runner, Options(now.AddHours(2)), now.AddHours(2), null, CancellationToken.None));
        Assert.Equal(first, await Count());

        // Four hours on, the data would lag the present: it is made again, ending at the present hour.
        var later = now.AddHours(4);
        Assert.Equal(DemoFolder.Outcome.Refreshed, await DemoFolder.EnsureCurrentAsync(runner, Options(later), later, null, CancellationToken.None));
        Assert.Equal((ulong)DemoDataGenerator.Generate(Options(later)).EventCount, await Count());
        var newest = (DateTime)(await source.QueryAsync(EventQueries.NewestEventTime(source.Table), CancellationToken.None)).Rows[0][0]!;
        Assert.Equal(DemoDataOptions.DefaultEnd(later).Date, newest.Date);
        Assert.True(newest > later.AddHours(-2));
    }
}
