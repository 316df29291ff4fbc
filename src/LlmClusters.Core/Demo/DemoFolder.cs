using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Demo;

/// <summary>
/// Keeps the module's own demo folder useful: filled on first use, and refilled, ending at the present hour, once its
/// data lags the present by more than <see cref="MaxAge"/>: every listing starts from recent runs (Get-ClusterRun
/// looks back 7 days), and "today's" traces (Get-LlmTrace -Since (Get-Date).Date) must be there for most of the day,
/// not only after the next day's refill.
/// </summary>
public static class DemoFolder
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromHours(3);

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
        await DemoDataLoader.LoadAsync(runner, DemoDataGenerator.Stream(options), progress, cancellationToken).ConfigureAwait(false);
        return newest is null ? Outcome.Loaded : Outcome.Refreshed;
    }
}
