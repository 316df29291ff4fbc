using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Demo;

/// <summary>
/// Loads generated data through any source with plain <c>INSERT ... FORMAT JSONEachRow</c> statements, so the same
/// loader fills the embedded engine and a real ClickHouse server.
/// </summary>
public static class DemoDataLoader
{
    public const int BatchSize = 20_000;

    public static async Task<DemoLoadSummary> LoadAsync(QueryRunner runner, DemoData data, IProgress<DemoLoadProgress>? progress, CancellationToken cancellationToken)
    {
        runner.EnsureWritable();
        await runner.EnsureEventsTableAsync(cancellationToken).ConfigureAwait(false);
        var total = data.EventCount;
        var written = 0;
        var batch = new List<string>(BatchSize);
        foreach (var e in data.Events())
        {
            batch.Add(e.JsonRow);
            if (batch.Count < BatchSize) continue;
            await runner.InsertJsonRowsAsync(batch, cancellationToken).ConfigureAwait(false);
            written += batch.Count;
            batch.Clear();
            progress?.Report(new DemoLoadProgress(written, total));
        }
        await runner.InsertJsonRowsAsync(batch, cancellationToken).ConfigureAwait(false);
        written += batch.Count;
        progress?.Report(new DemoLoadProgress(written, total));
        return new DemoLoadSummary(runner.Source.Location, runner.Source.Table.Name, data.Options.Seed, data.Traces.Count, written, data.Runs.Count,
            data.Options.End.AddDays(-data.Options.Days), data.Options.End);
    }
}
