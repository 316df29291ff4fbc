using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Lists clustering runs, newest first: the seed's step 1.</summary>
[Cmdlet(VerbsCommon.Get, "ClusterRun")]
[OutputType(typeof(ClusterRun))]
public sealed class GetClusterRunCommand : LlmClustersCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public string[]? RunId { get; set; }

    [Parameter]
    [ValidateSet("trace", "generation", "evaluation")]
    public string? Level { get; set; }

    /// <summary>Start of the window (runs whose event is at or after it). Defaults to 7 days ago.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    public DateTime? Until { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string? JobName { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? JobId { get; set; }

    [Parameter]
    [ValidateRange(1, 100_000)]
    public int First { get; set; } = 100;

    [Parameter]
    public LlmAnalyticsConnection? Connection { get; set; }

    private readonly List<ClusterRunId> _runIds = [];
    private bool _sawRunIds;

    protected override void ProcessRecord()
    {
        if (RunId is null) return;
        _sawRunIds = true;
        foreach (var id in RunId)
            if (ParseRunId(id) is { } parsed) _runIds.Add(parsed);
    }

    protected override void EndProcessing()
    {
        if (_sawRunIds && _runIds.Count == 0) return;
        var now = DateTime.UtcNow;
        // Named runs are looked for on their own UTC days, as PostHog's UI does, unless a window is given.
        var since = Since is { } s ? ToUtc(s) : _runIds.Count > 0 ? _runIds.Min(r => r.DayStart) : now.AddDays(-7);
        var until = Until is { } u ? ToUtc(u) : _runIds.Count > 0 ? _runIds.Max(r => r.DayStart).AddDays(1) + ClusterQueries.RunDayGrace : now.AddMinutes(1);
        if (since >= until)
            ThrowTerminatingError(ErrorMapper.InvalidTimeRange(Since, since, until));

        var connection = Connection ?? ConnectionRegistry.CurrentOrDefault();
        var filter = new RunFilter
        {
            Since = since,
            Until = until,
            Level = Level,
            RunIds = _runIds.Count > 0 ? _runIds.Select(r => r.RunId).Distinct().ToList() : null,
            JobId = JobId,
            JobNamePattern = JobName is null ? null : LikePattern.FromWildcard(JobName),
            First = _runIds.Count > 0 ? Math.Max(First, _runIds.Count) : First,
        };
        var runs = Await(token => Reader(connection).ListRunsAsync(filter, token), connection.Location);
        foreach (var run in runs) WriteObject(run);

        if (_runIds.Count > 0)
        {
            foreach (var missing in _runIds.Select(r => r.RunId).Distinct().Except(runs.Select(r => r.RunId)))
                WriteError(ErrorMapper.ToErrorRecord(new Core.Clusters.RunNotFoundException(missing, connection.Location), missing));
        }
        else if (runs.Count == 0)
        {
            var what = string.Join(", ", new[] { Level is null ? null : $"level {Level}", JobName is null ? null : $"job name '{JobName}'", JobId is null ? null : $"job id {JobId}" }.Where(x => x is not null));
            WriteError(ErrorMapper.NoClusterRuns(connection.Location, $"{(what.Length > 0 ? "with " + what + " " : "")}between {since:u} and {until:u}",
                "Widen the window with -Since, or check the filters."));
        }
    }
}
