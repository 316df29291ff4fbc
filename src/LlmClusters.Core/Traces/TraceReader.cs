using LlmClusters.Core.Clusters;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Queries.Rows;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Traces;

/// <summary>Reads traces: whole ones with their events (in batches), a cluster's traces, or recent ones, with totals.</summary>
public sealed class TraceReader
{
    /// <summary>Traces per query when many are read at once: a constant number of queries, not one per trace.</summary>
    public const int BatchSize = 200;

    private readonly LlmAnalyticsConnection _connection;
    private readonly QueryRunner _runner;
    private readonly IQueryObserver? _observer;

    public TraceReader(LlmAnalyticsConnection connection, IQueryObserver? observer = null)
    {
        _connection = connection;
        _observer = observer;
        _runner = connection.CreateRunner(observer);
    }

    /// <summary>The requested traces in order, each with its events; the ones with no event in their bounds are returned as missing.</summary>
    public async Task<(IReadOnlyList<LlmTrace> Traces, IReadOnlyList<TraceRequest> Missing)> ReadAsync(IReadOnlyList<TraceRequest> requests, CancellationToken cancellationToken)
    {
        var table = await _runner.ContentTableAsync(cancellationToken).ConfigureAwait(false);
        var events = new Dictionary<string, List<(TraceEvent Event, string? TraceName)>>(StringComparer.Ordinal);
        var content = new Dictionary<string, (bool Found, bool InAiEvents, int Malformed)>(StringComparer.Ordinal);
        var summaries = new Dictionary<string, List<TraceSummary>>(StringComparer.Ordinal);
        var teams = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var batch in requests.DistinctBy(r => r.TraceId).Chunk(BatchSize))
        {
            IAsyncEnumerable<TraceEventRow> Rows() => _runner.ReadAsync(
                TraceQueries.TraceEvents(table, batch.Select(r => r.TraceId).ToList(), batch.Min(r => r.Since), batch.Max(r => r.Until), _connection.TeamId), cancellationToken);
            List<TraceEventRow> rows;
            try
            {
                rows = await Rows().ToListAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (AnalyticsQueryException e) when (_runner.ContentUnavailable(e))
            {
                // An older PostHog, without ai_events: its events hold their content.
                table = await _runner.ContentTableAsync(cancellationToken).ConfigureAwait(false);
                rows = await Rows().ToListAsync(cancellationToken).ConfigureAwait(false);
            }
            foreach (var row in rows)
            {
                if (row.Summary is { } summary)
                {
                    if (!summaries.TryGetValue(row.TraceId, out var written)) summaries[row.TraceId] = written = [];
                    written.Add(summary);
                    continue;
                }
                if (!events.TryGetValue(row.TraceId, out var list)) events[row.TraceId] = list = [];
                list.Add((row.Event, row.TraceName));
                var seen = content.GetValueOrDefault(row.TraceId);
                content[row.TraceId] = (seen.Found || row.HasContent, seen.InAiEvents || row.ContentRow, seen.Malformed + (row.MalformedContent ? 1 : 0));
                if (row.Team is { } team) teams[row.TraceId] = team;
            }
        }

        var traces = new List<LlmTrace>();
        var missing = new List<TraceRequest>();
        foreach (var request in requests)
        {
            var mine = events.GetValueOrDefault(request.TraceId)?.Where(e => e.Event.Timestamp >= request.Since && e.Event.Timestamp < request.Until).ToList();
            if (mine is not { Count: > 0 }) { missing.Add(request); continue; }
            // The trace's newest summary in its bounds, as PostHog's page takes the newest (argMax by time).
            var summary = summaries.GetValueOrDefault(request.TraceId)?.Where(w => w.Timestamp >= request.Since && w.Timestamp < request.Until).MaxBy(w => w.Timestamp);
            var found = content.GetValueOrDefault(request.TraceId);
            if (found.Malformed > 0)
                _runner.Notice($"Trace {request.TraceId}: the content of {found.Malformed} event{(found.Malformed == 1 ? " is" : "s are")} not valid JSON where it is stored, so it is shown as its raw text.");
            traces.Add(Assemble(request.TraceId, mine, request.Team, teams.TryGetValue(request.TraceId, out var team) ? team : null) with
            {
                Summary = summary,
                ContentExpired = Expired(table, found.Found, found.InAiEvents, mine),
            });
        }
        return (traces, missing);
    }

    /// <summary>
    /// Listed traces (totals only) made whole, in order, by one statement per batch of <see cref="BatchSize"/>: each
    /// read as Get-LlmTrace -TraceId reads a piped item without a window (a day either side of its time, with PostHog's
    /// margin), keeping where it was listed from. Traces that hold their events pass through; listed ones whose events
    /// are gone by now (retention, a deleted store) come back as gone, with the bounds they were looked for in.
    /// </summary>
    public async Task<(IReadOnlyList<LlmTrace> Traces, IReadOnlyList<TraceRequest> Gone)> WithEventsAsync(IReadOnlyList<LlmTrace> listed, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var requests = listed.Where(t => t.Events.Count == 0).DistinctBy(t => t.TraceId).Select(t => new TraceRequest(t.TraceId,
                (t.StartTime ?? now.AddDays(-29)).AddDays(-1) - TraceQueries.Margin, (t.EndTime ?? t.StartTime ?? now).AddDays(1) + TraceQueries.Margin,
                t.RunId is not null && ClusterRunId.TryParse(t.RunId, out var run, out _) ? run.TeamId : null))
            .ToList();
        if (requests.Count == 0) return (listed, []);
        var (read, gone) = await ReadAsync(requests, cancellationToken).ConfigureAwait(false);
        var whole = read.ToDictionary(t => t.TraceId, StringComparer.Ordinal);
        var traces = new List<LlmTrace>(listed.Count);
        foreach (var trace in listed)
        {
            if (trace.Events.Count > 0) traces.Add(trace);
            else if (whole.TryGetValue(trace.TraceId, out var found)) traces.Add(found with { RunId = trace.RunId, ClusterId = trace.ClusterId, Rank = trace.Rank });
        }
        return (traces, gone);
    }

    /// <summary>A cluster's traces by rank (the first N), with their totals in the run's window and PostHog's margin.</summary>
    public async Task<IReadOnlyList<LlmTrace>> ClusterTracesAsync(ClusterRunId runId, int clusterId, int first, CancellationToken cancellationToken)
    {
        var items = await new ClusterReader(_connection, _observer).ReadItemsAsync(runId, [clusterId], first, cancellationToken).ConfigureAwait(false);
        var ranked = items.Where(i => i.TraceId is not null).DistinctBy(i => i.TraceId).ToList();
        if (ranked.Count == 0) return [];
        var since = (ranked.Min(i => i.WindowStart) ?? ranked.Min(i => i.Timestamp) ?? runId.DayStart) - TraceQueries.Margin;
        var until = (ranked.Max(i => i.WindowEnd) ?? runId.WindowEnd) + TraceQueries.Margin;
        var totals = await TotalsAsync(ranked.Select(i => i.TraceId!).ToList(), since, until, runId.TeamId, cancellationToken).ConfigureAwait(false);
        return ranked.Select(i => (totals.GetValueOrDefault(i.TraceId!) ?? Empty(i.TraceId!, runId.TeamId, i.Timestamp ?? i.WindowStart)) with { RunId = runId.RunId, ClusterId = clusterId, Rank = i.Rank }).ToList();
    }

    /// <summary>The newest traces of a window, with their totals.</summary>
    public async Task<IReadOnlyList<LlmTrace>> RecentAsync(DateTime since, DateTime until, string? model, bool errorOnly, int first, CancellationToken cancellationToken,
        string? provider = null)
    {
        var table = await _runner.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        var rows = await _runner.ListAsync(TraceQueries.RecentTraces(table, since, until, _connection.TeamId, model, errorOnly, first, provider), cancellationToken).ConfigureAwait(false);
        return rows.Select(r => ToTotals(r, null)).ToList();
    }

    /// <summary>The models (or providers) used in a window, most used first.</summary>
    public async Task<IReadOnlyList<string>> NamesUsedAsync(bool providers, DateTime since, DateTime until, CancellationToken cancellationToken)
    {
        var table = await _runner.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        return await _runner.ListAsync(TraceQueries.NamesUsed(table, providers, since, until, _connection.TeamId), cancellationToken).ConfigureAwait(false);
    }

    private async Task<Dictionary<string, LlmTrace>> TotalsAsync(IReadOnlyList<string> traceIds, DateTime since, DateTime until, long runTeam, CancellationToken cancellationToken)
    {
        var table = await _runner.DescribedTableAsync(cancellationToken).ConfigureAwait(false);
        var totals = new Dictionary<string, LlmTrace>(StringComparer.Ordinal);
        foreach (var batch in traceIds.Chunk(BatchSize))
        {
            await foreach (var row in _runner.ReadAsync(TraceQueries.TraceTotals(table, batch, since, until, _connection.TeamId), cancellationToken).ConfigureAwait(false))
                totals[row.TraceId] = ToTotals(row, runTeam);
        }
        return totals;
    }

    private LlmTrace Empty(string traceId, long runTeam, DateTime? at) => new() { TraceId = traceId, UiUrl = Link(traceId, runTeam, null, at) };

    /// <summary>
    /// The trace in PostHog, at its start so the page looks in the right range, in the project of the connection,
    /// else of the run it was reached from, else of its events (a table of several teams names each event's).
    /// </summary>
    private string Link(string traceId, long? runTeam, long? eventsTeam, DateTime? start) =>
        PostHogLinks.Trace(_connection.PostHogHost, _connection.TeamId ?? runTeam ?? eventsTeam, traceId, start);

    private LlmTrace ToTotals(TraceTotalsRow r, long? runTeam) => new()
    {
        TraceId = r.TraceId,
        TraceName = r.TraceName,
        StartTime = r.StartTime,
        EndTime = r.EndTime,
        TotalLatency = r.TotalLatency,
        TotalCost = r.TotalCost,
        InputTokens = r.InputTokens,
        OutputTokens = r.OutputTokens,
        CacheReadTokens = r.CacheReadTokens,
        CacheWriteTokens = r.CacheWriteTokens,
        ErrorCount = r.ErrorCount,
        EventCount = r.EventCount,
        Models = new NameList([.. r.Models]),
        Providers = new NameList([.. r.Providers]),
        UiUrl = Link(r.TraceId, runTeam, r.Team, r.StartTime),
    };

    /// <summary>
    /// Is the trace's content gone? Where the source keeps content in ai_events, a trace none of whose events has a row
    /// there or content in events has lost it to ai_events' retention (or was exported without it): a trace with a
    /// generation or an embedding always had a prompt, unless the SDK's privacy mode left it out.
    /// </summary>
    private static bool Expired(EventsTable table, bool found, bool inAiEvents, List<(TraceEvent Event, string? TraceName)> events) =>
        table.Content is { } columns && columns != ContentColumns.None && !found && !inAiEvents &&
        events.Any(e => e.Event.Event is "$ai_generation" or "$ai_embedding");

    private static NameList Names(IEnumerable<string?> names) =>
        new(names.OfType<string>().Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());

    /// <summary>Failures counted once, as the totals query counts them: a flagged step under which another step failed is not counted, nor a flagged root when a step failed.</summary>
    private static long Failures(List<TraceEvent> events)
    {
        var steps = events.Where(e => e.IsError && e.Event != "$ai_trace").ToList();
        var parents = events.Where(e => e.IsError && e.ParentId is not null).Select(e => e.ParentId!).ToHashSet(StringComparer.Ordinal);
        var counted = steps.Count(e => !parents.Contains(e.SpanId ?? e.Uuid.ToString()));
        return counted + (steps.Count == 0 && events.Any(e => e.IsError && e.Event == "$ai_trace") ? 1 : 0);
    }

    /// <summary>The trace's totals from its events, by the same definitions as the totals query.</summary>
    private LlmTrace Assemble(string traceId, List<(TraceEvent Event, string? TraceName)> events, long? runTeam, long? eventsTeam)
    {
        var all = events.Select(e => e.Event).ToList();
        var priced = all.Where(e => e.Event is "$ai_generation" or "$ai_embedding").ToList();
        var root = events.FirstOrDefault(e => e.Event.Event == "$ai_trace");
        var firstGeneration = all.Where(e => e.Event == "$ai_generation").MinBy(e => e.Timestamp);
        return new LlmTrace
        {
            TraceId = traceId,
            TraceName = root.Event is not null && (root.TraceName is { Length: > 0 } ? root.TraceName : root.Event.SpanName) is { } rootName
                ? rootName
                : firstGeneration?.SpanName ?? firstGeneration?.Model,
            StartTime = all.Min(e => e.Timestamp),
            EndTime = all.Max(e => e.Timestamp),
            TotalLatency = Figure.Tidy(all.Where(e => e.Event == "$ai_generation").Sum(e => e.Latency ?? 0)),
            TotalCost = Figure.Tidy(priced.Sum(e => e.Cost ?? 0)),
            InputTokens = priced.Sum(e => e.InputTokens ?? 0),
            OutputTokens = priced.Sum(e => e.OutputTokens ?? 0),
            CacheReadTokens = priced.Sum(e => e.CacheReadTokens ?? 0),
            CacheWriteTokens = priced.Sum(e => e.CacheWriteTokens ?? 0),
            ErrorCount = Failures(all),
            EventCount = all.Count,
            Models = Names(priced.Select(e => e.Model)),
            Providers = Names(priced.Select(e => e.Provider)),
            Events = new TraceEventList(all),
            UiUrl = Link(traceId, runTeam, eventsTeam, all.Min(e => e.Timestamp)),
        };
    }
}
