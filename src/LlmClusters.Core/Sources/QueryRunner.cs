using System.Diagnostics;
using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>Runs named queries on a source and tells an observer what ran and how long it took.</summary>
public sealed class QueryRunner
{
    private readonly IQueryObserver? _observer;

    public QueryRunner(IAnalyticsSource source, IQueryObserver? observer = null)
    {
        Source = source;
        _observer = observer;
    }

    public IAnalyticsSource Source { get; }

    /// <summary>Tells the user something about the data (a warning), through the observer.</summary>
    public void Notice(string message) => _observer?.Notice(message);

    public async Task<QueryResult> QueryAsync(SqlQuery query, CancellationToken cancellationToken)
    {
        var sent = _observer is null ? query : Source.AsSent(query);
        if (Source.Pending is { } pending) _observer?.Notice(pending);
        _observer?.QueryStarting(sent, Source.Location);
        var clock = Stopwatch.StartNew();
        var result = await Source.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        _observer?.QueryFinished(sent, clock.Elapsed, result.Rows.Count);
        return result;
    }

    public async Task InsertJsonRowsAsync(IReadOnlyList<string> jsonRows, CancellationToken cancellationToken)
    {
        var insert = Source.InsertStatement(jsonRows);
        _observer?.QueryStarting(insert, Source.Location);
        var clock = Stopwatch.StartNew();
        await Source.InsertJsonRowsAsync(jsonRows, cancellationToken).ConfigureAwait(false);
        _observer?.QueryFinished(insert, clock.Elapsed, jsonRows.Count);
    }

    /// <summary>Does the events table hold any event at all?</summary>
    public async Task<bool> HasAnyEventAsync(CancellationToken cancellationToken)
    {
        var result = await QueryAsync(EventQueries.HasAnyEvent(Source.Table), cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(result.Rows[0][0]) != 0;
    }

    /// <summary>Refuses, before any work, to write to a source that only reads.</summary>
    public void EnsureWritable()
    {
        if (Source.IsReadOnly) throw Source.WriteRefused();
    }

    /// <summary>Creates the events table (and its database) in PostHog's shape if it is not there yet.</summary>
    public async Task EnsureEventsTableAsync(CancellationToken cancellationToken)
    {
        if (Source.IsReadOnly) return;
        if (Source.Table.Database is not null) await QueryAsync(EventQueries.CreateDatabase(Source.Table), cancellationToken).ConfigureAwait(false);
        await QueryAsync(EventQueries.CreateEventsTable(Source.Table), cancellationToken).ConfigureAwait(false);
    }
}
