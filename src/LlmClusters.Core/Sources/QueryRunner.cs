using System.Diagnostics;
using System.Runtime.CompilerServices;
using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>Runs named queries on a source and tells an observer what ran and how long it took.</summary>
public sealed class QueryRunner
{
    private readonly IQueryObserver? _observer;
    private readonly Action? _wrote;

    /// <param name="source">Where the statements run.</param>
    /// <param name="observer">Hears of each statement (-Verbose).</param>
    /// <param name="wrote">Called after a statement that writes, so that what was read before can be forgotten.</param>
    public QueryRunner(IAnalyticsSource source, IQueryObserver? observer = null, Action? wrote = null)
    {
        Source = source;
        _observer = observer;
        _wrote = wrote;
    }

    public IAnalyticsSource Source { get; }

    /// <summary>Tells the user something about the data (a warning), through the observer.</summary>
    public void Notice(string message) => _observer?.Notice(message);

    /// <summary>Tells -Verbose that something was taken from memory instead of read again.</summary>
    public void Remembered(string what) => _observer?.Remembered(what);

    /// <summary>A statement's rows as they arrive, never held whole; the observer hears of the statement as it starts and ends.</summary>
    public async IAsyncEnumerable<ResultRow> StreamAsync(SqlQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var sent = _observer is null ? query : Source.AsSent(query);
        if (Source.Pending is { } pending) _observer?.Notice(pending);
        _observer?.QueryStarting(sent, Source.Location);
        var clock = Stopwatch.StartNew();
        long rows = 0;
        try
        {
            await foreach (var row in Source.ReadAsync(query, cancellationToken).ConfigureAwait(false))
            {
                rows++;
                yield return row;
            }
        }
        finally
        {
            // A write that failed may still have written part of its work.
            if (query.Writes) _wrote?.Invoke();
        }
        _observer?.QueryFinished(sent, clock.Elapsed, rows);
    }

    /// <summary>All of a statement's rows at once, untyped: for statements with no rows (DDL, inserts, checks).</summary>
    public Task<QueryResult> QueryAsync(SqlQuery query, CancellationToken cancellationToken) =>
        QueryResult.CollectAsync(StreamAsync(query, cancellationToken), cancellationToken);

    /// <summary>A named query's rows, each read by the query's own reader as it arrives.</summary>
    public async IAsyncEnumerable<TRow> ReadAsync<TRow>(SqlQuery<TRow> query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var row in StreamAsync(query, cancellationToken).ConfigureAwait(false))
            yield return query.ReadRow(row);
    }

    /// <summary>All of a named query's rows, read: for the module's own queries, whose results are small.</summary>
    public async Task<IReadOnlyList<TRow>> ListAsync<TRow>(SqlQuery<TRow> query, CancellationToken cancellationToken)
    {
        var rows = new List<TRow>();
        await foreach (var row in ReadAsync(query, cancellationToken).ConfigureAwait(false)) rows.Add(row);
        return rows;
    }

    /// <summary>The one row of a query that always returns exactly one (an aggregate without GROUP BY).</summary>
    public async Task<TRow> SingleAsync<TRow>(SqlQuery<TRow> query, CancellationToken cancellationToken) =>
        (await ListAsync(query, cancellationToken).ConfigureAwait(false)).Single();

    /// <summary>Appends events, each a JSON object with all its properties, their content placed as <paramref name="placement"/> says (see <see cref="ContentPlacement"/>).</summary>
    public async Task InsertJsonRowsAsync(IReadOnlyList<string> jsonRows, CancellationToken cancellationToken, ContentPlacement placement = ContentPlacement.Split)
    {
        var insert = Source.InsertStatement(jsonRows);
        _observer?.QueryStarting(insert, Source.Location);
        var clock = Stopwatch.StartNew();
        try
        {
            await Source.InsertJsonRowsAsync(jsonRows, cancellationToken, placement).ConfigureAwait(false);
        }
        finally
        {
            _wrote?.Invoke();
        }
        _observer?.QueryFinished(insert, clock.Elapsed, jsonRows.Count);
    }

    /// <summary>Does the events table hold any event at all?</summary>
    public Task<bool> HasAnyEventAsync(CancellationToken cancellationToken) => SingleAsync(EventQueries.HasAnyEvent(Source.Table), cancellationToken);

    /// <summary>Refuses, before any work, to write to a source that only reads.</summary>
    public void EnsureWritable()
    {
        if (Source.IsReadOnly) throw Source.WriteRefused();
    }

    /// <summary>
    /// The events table with the property columns it has (<see cref="PropertyColumns"/>), asked of the database once
    /// per source, so that queries read the cheapest column that holds each property. A column is used only in
    /// PostHog's current type: an older self-hosted PostHog's String column of the raw JSON text reads otherwise.
    /// PostHog's API chooses for itself.
    /// </summary>
    public async Task<EventsTable> DescribedTableAsync(CancellationToken cancellationToken)
    {
        if (Source.DescribedTable is { } known) return known;
        if (Source.ChoosesColumns) return Source.Table;
        var columns = await ListAsync(EventQueries.PropertyColumnsOf(Source.Table), cancellationToken).ConfigureAwait(false);
        var table = Source.Table with
        {
            Columns = (columns.Contains(new("mat_$ai_trace_id", "Nullable(String)")) ? PropertyColumns.TraceId : PropertyColumns.None) |
                      (columns.Contains(new("properties_group_ai", "Map(String, String)")) ? PropertyColumns.AiGroup : PropertyColumns.None),
        };
        Source.DescribedTable = table;
        return table;
    }

    /// <summary>
    /// The events table described (<see cref="DescribedTableAsync"/>) with the heavy columns of the ai_events table
    /// beside it, where today's PostHog keeps message content (<see cref="EventsTable.Content"/>): asked of the
    /// database once per source, and only by the reads that show content. A ClickHouse server and the store are asked
    /// which columns it has, so that an older schema's missing column is read from events instead.
    /// </summary>
    public async Task<EventsTable> ContentTableAsync(CancellationToken cancellationToken)
    {
        var table = await DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        if (table.Content is not null) return table;
        ContentColumns content;
        // Every PostHog since the split knows ai_events, whole (its HogQL schema has all of it or none): it is assumed
        // there, so that no statement is spent asking, and an older PostHog's refusal is taken back (ContentUnavailable).
        if (Source.ChoosesColumns) content = ContentColumns.All;
        else
        {
            var columns = (await ListAsync(ContentQueries.ContentColumnsOf(table), cancellationToken).ConfigureAwait(false)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            content = columns.Contains("uuid") && columns.Contains("trace_id")
                ? ContentQueries.Heavy.Where(h => columns.Contains(h.Column)).Aggregate(ContentColumns.None, (all, h) => all | h.Flag)
                : ContentColumns.None;
        }
        table = table with { Content = content };
        Source.DescribedTable = table;
        return table;
    }

    /// <summary>
    /// Did the source refuse a statement because it has no ai_events (an older PostHog)? Then it is remembered as
    /// having none, and the caller asks again: its events still hold their content.
    /// </summary>
    public bool ContentUnavailable(AnalyticsQueryException e)
    {
        // Only PostHog is assumed to have it (the others are asked), and only its refusal of the table itself says it has
        // none: a server's memory or time limit names the table too.
        if (!Source.ChoosesColumns || Source.DescribedTable is not { Content: { } content } table || content == ContentColumns.None
            || !e.Message.Contains("Unknown table", StringComparison.OrdinalIgnoreCase)
            || !e.Message.Contains(table.AiEvents.Name, StringComparison.OrdinalIgnoreCase))
            return false;
        Source.DescribedTable = table with { Content = ContentColumns.None };
        return true;
    }

    /// <summary>
    /// Creates the events table (and its database) in PostHog's shape if it is not there yet, and brings an embedded
    /// store made before it had PostHog's property columns up to that shape: the columns are added and filled for the
    /// rows already stored (once, and again if the filling was stopped; the rows themselves are not touched).
    /// </summary>
    public async Task EnsureEventsTableAsync(CancellationToken cancellationToken)
    {
        if (Source.IsReadOnly)
        {
            if (!Source.UpgradesInPlace) return;
            var names = await ListAsync(EventQueries.PropertyColumnsOf(Source.Table), cancellationToken).ConfigureAwait(false);
            if (names.Any(c => c.Name == "properties") && names.Count < 3)
                Notice($"{Source.Table} on {Source.Location} was written by an earlier release and cannot be upgraded while it is read-only: " +
                       "queries parse every event's properties, which is slower on large events. Open it once where it can be written to upgrade it.");
            return;
        }
        if (Source.Table.Database is not null) await QueryAsync(EventQueries.CreateDatabase(Source.Table), cancellationToken).ConfigureAwait(false);
        await QueryAsync(EventQueries.CreateEventsTable(Source.Table), cancellationToken).ConfigureAwait(false);
        // Only the module's own store is upgraded: a ClickHouse server's table (a self-hosted PostHog's own) is read as it is.
        if (!Source.UpgradesInPlace) return;
        // The store is written as today's PostHog writes (ContentQueries): content in ai_events, the rest in events.
        var hadContentTable = (await ListAsync(ContentQueries.ContentColumnsOf(Source.Table), cancellationToken).ConfigureAwait(false)).Count > 0;
        await QueryAsync(ContentQueries.CreateAiEventsTable(Source.Table), cancellationToken).ConfigureAwait(false);
        // A store written before it had ai_events keeps its content in events; its LLM events get their rows once (the
        // events stay whole), so that an event without a row means content that is gone, not a store made earlier.
        if (!hadContentTable) await QueryAsync(ContentQueries.CopyEventsToAiEvents(Source.Table), cancellationToken).ConfigureAwait(false);
        Source.DescribedTable = null;
        var table = await DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        var unfilled = await SingleAsync(EventQueries.PartsWithoutPropertyColumns(Source.Table), cancellationToken).ConfigureAwait(false);
        if (table.Columns == PropertyColumns.All && unfilled == 0) return;

        Notice($"Upgrading {Source.Table} on {Source.Location} to PostHog's events layout (mat_$ai_trace_id and properties_group_ai, " +
               "filled from each stored event's properties): once, and no event changes; queries read them instead of parsing every prompt.");
        await QueryAsync(EventQueries.AddPropertyColumns(Source.Table), cancellationToken).ConfigureAwait(false);
        foreach (var column in new[] { "mat_$ai_trace_id", "properties_group_ai" })
            await QueryAsync(EventQueries.MaterializeColumn(Source.Table, column), cancellationToken).ConfigureAwait(false);
        Source.DescribedTable = Source.Table with { Columns = PropertyColumns.All };
    }
}
