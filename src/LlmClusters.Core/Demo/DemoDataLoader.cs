using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Demo;

/// <summary>
/// Loads generated data through any source with plain <c>INSERT ... FORMAT JSONEachRow</c> statements, so the same
/// loader fills the embedded engine and a real ClickHouse server.
/// </summary>
public static class DemoDataLoader
{
    /// <summary>
    /// Characters of JSON per insert at most. The engine holds a statement's rows several times over while it parses
    /// them (the bound text, its unescaped copy, the parsed block): 64 MB of demo rows in one insert peaked above 2 GB; 250 KB keeps making the demo near 500 MB (docs/performance.md).
    /// </summary>
    public const int BatchChars = 250_000;

    /// <summary>Loads data generated whole (tests, fixtures).</summary>
    public static Task<DemoLoadSummary> LoadAsync(QueryRunner runner, DemoData data, IProgress<DemoLoadProgress>? progress, CancellationToken cancellationToken) =>
        LoadAsync(runner, data.Options, data.Traces, () => data, progress, cancellationToken);

    /// <summary>Generates and loads batch by batch: only one batch of rows is ever held.</summary>
    public static Task<DemoLoadSummary> LoadAsync(QueryRunner runner, DemoGeneration stream, IProgress<DemoLoadProgress>? progress, CancellationToken cancellationToken) =>
        LoadAsync(runner, stream.Options, stream.Traffic(), stream.Finish, progress, cancellationToken);

    private static async Task<DemoLoadSummary> LoadAsync(QueryRunner runner, DemoDataOptions options, IEnumerable<DemoTrace> traffic, Func<DemoData> finish,
        IProgress<DemoLoadProgress>? progress, CancellationToken cancellationToken)
    {
        runner.EnsureWritable();
        await runner.EnsureEventsTableAsync(cancellationToken).ConfigureAwait(false);
        var written = 0;
        var traces = 0;
        // A batch per placement of content (see DemoGeneration): each is one insert of rows placed alike.
        var batches = Enum.GetValues<ContentPlacement>().ToDictionary(p => p, _ => (Rows: new List<string>(), Chars: new int[1]));
        async Task Flush(ContentPlacement placement)
        {
            var batch = batches[placement];
            await runner.InsertJsonRowsAsync(batch.Rows, cancellationToken, placement).ConfigureAwait(false);
            written += batch.Rows.Count;
            batch.Rows.Clear();
            batch.Chars[0] = 0;
            progress?.Report(new DemoLoadProgress(traces, options.TraceCount));
        }

        foreach (var trace in traffic)
        {
            cancellationToken.ThrowIfCancellationRequested();
            traces++;
            var batch = batches[trace.Content];
            foreach (var row in trace.Events.Select(e => e.JsonRow).Concat(trace.SummaryRows).Concat(trace.EvaluationRows))
            {
                batch.Rows.Add(row);
                batch.Chars[0] += row.Length;
            }
            if (batch.Chars[0] >= BatchChars) await Flush(trace.Content).ConfigureAwait(false);
        }
        var data = finish();
        batches[ContentPlacement.Split].Rows.AddRange(data.Runs.Select(r => r.Event.JsonRow));
        foreach (var placement in batches.Keys) await Flush(placement).ConfigureAwait(false);
        return new DemoLoadSummary(runner.Source.Location, runner.Source.Table.Name, options.Seed, data.Traces.Count, written, data.Runs.Count,
            options.End.AddDays(-options.Days), options.End);
    }
}
