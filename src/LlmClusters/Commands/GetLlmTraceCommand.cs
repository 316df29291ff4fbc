using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Traces;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Reads traces: whole ones by id (from the pipeline too), a cluster's traces by rank, or the newest ones.</summary>
[Cmdlet(VerbsCommon.Get, "LlmTrace", DefaultParameterSetName = RecentSet)]
[OutputType(typeof(LlmTrace))]
public sealed class GetLlmTraceCommand : LlmClustersCmdlet
{
    private const string ByIdSet = "ById";
    private const string ClusterSet = "Cluster";
    private const string RecentSet = "Recent";

    [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] TraceId { get; set; } = [];

    /// <summary>By id: where to start looking (a piped item's window start binds here). Recent: the start of the window.</summary>
    [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = RecentSet)]
    [Alias("WindowStart")]
    public DateTime? Since { get; set; }

    [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true)]
    [Parameter(ParameterSetName = RecentSet)]
    [Alias("WindowEnd")]
    public DateTime? Until { get; set; }

    /// <summary>A piped item's own time, used when no window comes with it.</summary>
    [Parameter(ParameterSetName = ByIdSet, ValueFromPipelineByPropertyName = true, DontShow = true)]
    public DateTime? Timestamp { get; set; }

    [Parameter(ParameterSetName = ClusterSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public string RunId { get; set; } = string.Empty;

    [Parameter(ParameterSetName = ClusterSet, Mandatory = true)]
    [ArgumentCompleter(typeof(ClusterIdCompleter))]
    public int ClusterId { get; set; }

    [Parameter(ParameterSetName = ClusterSet)]
    [Parameter(ParameterSetName = RecentSet)]
    [ValidateRange(1, 100_000)]
    public int First { get; set; } = 20;

    [Parameter(ParameterSetName = RecentSet)]
    [ValidateNotNullOrEmpty]
    public string? Model { get; set; }

    [Parameter(ParameterSetName = RecentSet)]
    public SwitchParameter ErrorOnly { get; set; }

    [Parameter]
    public LlmAnalyticsConnection? Connection { get; set; }

    private readonly List<TraceRequest> _requests = [];

    protected override void ProcessRecord()
    {
        if (ParameterSetName != ByIdSet) return;
        // Without bounds: the piped item's window, else a day either side of its time, else the last 30 days; always with PostHog's margin.
        var now = DateTime.UtcNow;
        var since = Since is { } s ? ToUtc(s) : Timestamp is { } t ? ToUtc(t).AddDays(-1) : now.AddDays(-30);
        var until = Until is { } u ? ToUtc(u) : Timestamp is { } t2 ? ToUtc(t2).AddDays(1) : now.AddMinutes(1);
        foreach (var id in TraceId) _requests.Add(new TraceRequest(id, since - TraceQueries.Margin, until + TraceQueries.Margin));
    }

    protected override void EndProcessing()
    {
        var connection = Connection ?? ConnectionRegistry.CurrentOrDefault();
        var reader = new TraceReader(connection, QueryObserver());
        switch (ParameterSetName)
        {
            case ByIdSet:
                if (_requests.Count == 0) return;
                var (traces, missing) = Await(token => reader.ReadAsync(_requests, token), connection.Location);
                foreach (var trace in traces) WriteObject(trace);
                foreach (var request in missing)
                    WriteError(ErrorMapper.ToErrorRecord(new TraceNotFoundException(request.TraceId, request.Since, request.Until), request.TraceId));
                break;
            case ClusterSet:
                if (ParseRunId(RunId) is not { } runId) return;
                var listed = Await(token => reader.ClusterTracesAsync(runId, ClusterId, First, token), RunId);
                if (listed.Count == 0)
                {
                    if (!TryAwait(token => Reader(connection).ReadClustersAsync(runId, token), RunId, out var run)) return;
                    if (run.Clusters.All(c => c.ClusterId != ClusterId))
                        WriteError(ErrorMapper.ClusterNotFound(RunId, ClusterId, run.Clusters.Select(c => c.ClusterId)));
                    return;
                }
                foreach (var trace in listed) WriteObject(trace);
                break;
            default:
                var now = DateTime.UtcNow;
                var from = Since is { } s ? ToUtc(s) : now.AddDays(-1);
                var to = Until is { } u ? ToUtc(u) : now.AddMinutes(1);
                if (from >= to)
                    ThrowTerminatingError(ErrorMapper.InvalidTimeRange(Since, from, to));
                foreach (var trace in Await(token => reader.RecentAsync(from, to, Model, ErrorOnly, First, token), connection.Location)) WriteObject(trace);
                break;
        }
    }
}
