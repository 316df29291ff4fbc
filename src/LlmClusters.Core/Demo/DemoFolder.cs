using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Demo;

/// <summary>
/// Keeps the module's own demo folder useful: filled on first use, and refilled when its data has aged past a day, since
/// every listing starts from recent runs (Get-ClusterRun looks back 7 days) and week-old demo data would show nothing.
/// </summary>
public static class DemoFolder
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(1);

    public enum Outcome
    {
        Current,
        Loaded,
        Refreshed,
    }

    public static async Task<Outcome> EnsureCurrentAsync(QueryRunner runner, DemoDataOptions options, DateTime utcNow, IProgress<DemoLoadProgress>? progress,
        CancellationToken cancellationToken)
    {
        await runner.EnsureEventsTableAsync(cancellationToken).ConfigureAwait(false);
        var newest = await runner.SingleAsync(EventQueries.NewestEventTime(runner.Source.Table), cancellationToken).ConfigureAwait(false);
        if (newest is { } time && time > utcNow - MaxAge) return Outcome.Current;
        if (newest is not null) await runner.QueryAsync(EventQueries.TruncateEvents(runner.Source.Table), cancellationToken).ConfigureAwait(false);
        await DemoDataLoader.LoadAsync(runner, DemoDataGenerator.Generate(options), progress, cancellationToken).ConfigureAwait(false);
        return newest is null ? Outcome.Loaded : Outcome.Refreshed;
    }
}
