using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Traces;
using LlmClusters.Infrastructure;
using LlmClusters.Parameters;

namespace LlmClusters.Commands;

/// <summary>Reads traces: whole ones by id (from the pipeline too), a cluster's traces by rank, or the newest ones.</summary>
[Cmdlet(VerbsCommon.Get, "LlmTrace", DefaultParameterSetName = RecentSet)]
[OutputType(typeof(LlmTrace))]
public sealed class GetLlmTraceCommand : ConnectedCmdlet
{
    private const string ByIdSet = "ById";
    private const string ClusterSet = "Cluster";
    private const string RecentSet = "Recent";

    /// <summary>Traces to read; from the pipeline, trace ids or objects with a TraceId (Get-ClusterItem, Import-Csv of them).</summary>
    [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] TraceId { get; set; } = [];

    /// <summary>By id: where to start looking (a piped item's window start binds here). Recent: the start of the window.</summary>
    [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = RecentSet, ValueFromPipelineByPropertyName = true)]
    [Alias("WindowStart")]
    public DateTime? Since { get; set; }

    [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = RecentSet, ValueFromPipelineByPropertyName = true)]
    [Alias("WindowEnd")]
    public DateTime? Until { get; set; }

    /// <summary>A piped item's own time, used when no window comes with it.</summary>
    [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    [Parameter(ParameterSetName = RecentSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    public DateTime? Timestamp { get; set; }

    [Parameter(ParameterSetName = ClusterSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public RunParameter RunId { get; set; } = null!;

    [Parameter(ParameterSetName = ClusterSet, Mandatory = true)]
    [ArgumentCompleter(typeof(ClusterIdCompleter))]
    public int ClusterId { get; set; }

    /// <summary>How many traces: the newest ones, or a cluster's first by rank (also for clusters piped in).</summary>
    [Parameter(ParameterSetName = ClusterSet)]
    [Parameter(ParameterSetName = RecentSet)]
    [ValidateRange(1, 100_000)]
    public int First { get; set; } = 20;

    [Parameter(ParameterSetName = RecentSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ModelCompleter))]
    public string? Model { get; set; }

    [Parameter(ParameterSetName = RecentSet)]
    [ValidateNotNullOrEmpty]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(ProviderCompleter))]
    public string? Provider { get; set; }

    [Parameter(ParameterSetName = RecentSet)]
    public SwitchParameter ErrorOnly { get; set; }

    /// <summary>Listings: each trace with its events, read a batch of traces per statement, as by -TraceId.</summary>
    [Parameter]
    public SwitchParameter IncludeEvents { get; set; }

    /// <summary>What was piped: a trace id as text, an object whose TraceId bound above, or a cluster (its traces by rank).</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    // Piped or named traces, once each, in the order first asked for; a trace asked for with two windows is read over both.
    private readonly Dictionary<string, TraceRequest> _requests = new(StringComparer.Ordinal);
    private readonly List<(string RunId, int ClusterId)> _clusters = [];
    private bool _piped;
    private PipelineInput? _input;

    protected override void ProcessRecord()
    {
        IEnumerable<string> ids;
        if (InputObject is null)
        {
            if (ParameterSetName != ByIdSet) return;
            ids = TraceId;
        }
        else
        {
            _piped = true;
            if (TraceId is { Length: > 0 } && MyInvocation.BoundParameters.ContainsKey(nameof(TraceId))) ids = TraceId;
            else if (PipedObject.Text(InputObject) is { } text) ids = [text];
            else if (PipedObject.Property(InputObject, "RunId") is string run && PipedObject.Integer(InputObject, "ClusterId") is { } cluster)
            {
                _clusters.Add((run, cluster));
                return;
            }
            else
            {
                (_input ??= new PipelineInput(MyInvocation.MyCommand.Name, "trace ids, objects with a TraceId (Get-ClusterItem, Get-LlmTrace), or clusters (Get-LlmCluster)")).Refuse(InputObject);
                return;
            }
        }
        // Without bounds: the piped item's window, else a day either side of its time, else the last 30 days; always with PostHog's margin.
        var now = DateTime.UtcNow;
        var since = Since is { } s ? UtcTime.From(s) : Timestamp is { } t ? UtcTime.From(t).AddDays(-1) : now.AddDays(-30);
        var until = Until is { } u ? UtcTime.From(u) : Timestamp is { } t2 ? UtcTime.From(t2).AddDays(1) : now.AddMinutes(1);
        if (since >= until) Terminate(ErrorMapper.InvalidTimeRange(Since, since, until));
        since -= TraceQueries.Margin;
        until += TraceQueries.Margin;
        // An item names its run, and so the project its trace's link opens in.
        var team = InputObject is not null && PipedObject.Property(InputObject, "RunId") is string runId && ClusterRunId.TryParse(runId, out var parsed, out _) ? parsed.TeamId : (long?)null;
        foreach (var id in ids.Where(i => !string.IsNullOrWhiteSpace(i)))
            _requests[id] = _requests.TryGetValue(id, out var known)
                ? known with { Since = Min(known.Since, since), Until = Max(known.Until, until) }
                : new TraceRequest(id, since, until, team);
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;
    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;

    protected override void EndProcessing()
    {
        var connection = ActiveConnection;
        var reader = new TraceReader(connection, QueryObserver());
        if (_requests.Count > 0)
        {
            var (traces, missing) = Await(token => reader.ReadAsync(_requests.Values.ToList(), token), connection.Location);
            foreach (var trace in traces) WriteObject(trace);
            foreach (var request in missing)
                WriteError(ErrorMapper.ToErrorRecord(new TraceNotFoundException(request.TraceId, request.Since, request.Until), request.TraceId));
            if (missing.Count > 0 && OtherTeams(connection) is { Length: > 0 } teams) Warn(teams.Trim());
        }
        foreach (var (run, cluster) in _clusters.Distinct())
            if (ParseRunId(run) is { } runId) WriteClusterTraces(reader, runId, cluster);
        if (ParameterSetName == ClusterSet) WriteClusterTraces(reader, RunId.RunId, ClusterId);
        foreach (var error in _input?.Errors("For a cluster's traces, pipe the cluster itself or its items (Get-ClusterItem).") ?? []) WriteError(error);
        if (ParameterSetName != RecentSet || _piped) return;

        var now = DateTime.UtcNow;
        var from = Since is { } f ? UtcTime.From(f) : now.AddDays(-1);
        var to = Until is { } e ? UtcTime.From(e) : now.AddMinutes(1);
        if (from >= to)
            Terminate(ErrorMapper.InvalidTimeRange(Since, from, to));
        // Without -First, one more than the default is asked for, so that a cut listing says so (in an incident, the
        // 21st failure matters as much as the first).
        var capped = !MyInvocation.BoundParameters.ContainsKey(nameof(First));
        var recent = Await(token => reader.RecentAsync(from, to, Model, ErrorOnly, capped ? First + 1 : First, token, Provider), connection.Location);
        if (capped && recent.Count > First)
        {
            recent = recent.Take(First).ToList();
            Warn($"More than {First} traces match in the window; these are the newest {First}. Use -First (up to 100,000) for more.");
        }
        WriteListed(reader, recent, connection.Location);
        if (recent.Count == 0 && OtherTeams(connection) is { Length: > 0 } others) Warn(others.Trim());
    }

    /// <summary>Listed traces as they are, or under -IncludeEvents whole, each batch written as soon as it is read.</summary>
    private void WriteListed(TraceReader reader, IReadOnlyList<LlmTrace> listed, object target)
    {
        if (!IncludeEvents)
        {
            foreach (var trace in listed) WriteObject(trace);
            return;
        }
        foreach (var batch in listed.Chunk(TraceReader.BatchSize))
        {
            if (!TryAwait(token => reader.WithEventsAsync(batch, token), target, out var read)) return;
            foreach (var trace in read.Traces) WriteObject(trace);
            foreach (var gone in read.Gone)
                WriteError(ErrorMapper.ToErrorRecord(new TraceNotFoundException(gone.TraceId, gone.Since, gone.Until, listed: true), gone.TraceId));
        }
    }

    private void WriteClusterTraces(TraceReader reader, ClusterRunId runId, int cluster)
    {
        var run = runId.RunId;
        if (!TryAwait(token => reader.ClusterTracesAsync(runId, cluster, First, token), run, out var listed)) return;
        WriteListed(reader, listed, run);
        if (listed.Count > 0) return;
        if (!TryAwait(token => Reader().ReadClustersAsync(runId, token), run, out var read)) return;
        if (read.Clusters.All(c => c.ClusterId != cluster))
            WriteError(ErrorMapper.ClusterNotFound(run, cluster, read.Clusters.Select(c => c.ClusterId)));
    }
}
