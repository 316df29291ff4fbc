using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Infrastructure;
using LlmClusters.Parameters;

namespace LlmClusters.Commands;

/// <summary>Lists clustering runs, newest first: the seed's step 1.</summary>
[Cmdlet(VerbsCommon.Get, "ClusterRun")]
[OutputType(typeof(ClusterRun))]
public sealed class GetClusterRunCommand : ConnectedCmdlet
{
    /// <summary>Runs to look up, by id or as runs, clusters or items; from the pipeline, run ids or objects with a RunId.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public RunParameter[]? RunId { get; set; }

    [Parameter]
    public ClusterLevel? Level { get; set; }

    /// <summary>Start of the window (runs whose event is at or after it). Defaults to 7 days ago.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    [Parameter]
    public DateTime? Until { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string? JobName { get; set; }

    /// <summary>Runs of these jobs; from the pipeline, a job's Id (Get-ClusteringJob) or a run's JobId.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [Alias("Id")]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[]? JobId { get; set; }

    [Parameter]
    [ValidateRange(1, 100_000)]
    public int First { get; set; } = 100;

    /// <summary>What was piped: a run id as text, or an object whose RunId or Id bound above.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    private readonly List<ClusterRunId> _runIds = [];
    private readonly List<string> _jobIds = [];
    private bool _sawRunIds;
    private PipelineInput? _input;

    protected override void ProcessRecord()
    {
        var runIds = RunId;
        if (InputObject is not null && runIds is null && JobId is not { Length: > 0 })
        {
            // A run id as text, or an object whose RunId did not bind because it is not a run id.
            if (!TryReadPipedRun(InputObject, out var read))
            {
                (_input ??= new PipelineInput(MyInvocation.MyCommand.Name, "run ids, runs, or clustering jobs (Get-ClusteringJob)")).Refuse(InputObject);
                return;
            }
            _sawRunIds = true;
            if (read is not null) _runIds.Add(read.RunId);
            return;
        }
        foreach (var job in JobId ?? []) if (!string.IsNullOrEmpty(job)) _jobIds.Add(job);
        if (runIds is null) return;
        _sawRunIds = true;
        _runIds.AddRange(runIds.Select(r => r.RunId));
    }

    protected override void EndProcessing()
    {
        foreach (var error in _input?.Errors("Pipe run ids, runs or jobs, or pass -RunId.") ?? []) WriteError(error);
        if ((_sawRunIds && _runIds.Count == 0) || (_input is not null && !_sawRunIds && _jobIds.Count == 0)) return;
        var now = DateTime.UtcNow;
        // Named runs are looked for on their own UTC days, as PostHog's UI does, unless a window is given.
        var since = Since is { } s ? UtcTime.From(s) : _runIds.Count > 0 ? _runIds.Min(r => r.DayStart) : now.AddDays(-7);
        var until = Until is { } u ? UtcTime.From(u) : _runIds.Count > 0 ? _runIds.Max(r => r.EventSearchEnd) : now.AddMinutes(1);
        if (since >= until)
            Terminate(ErrorMapper.InvalidTimeRange(Since, since, until));

        var connection = ActiveConnection;
        var filter = new RunFilter
        {
            Since = since,
            Until = until,
            Level = Level,
            RunIds = _runIds.Count > 0 ? _runIds.Select(r => r.RunId).Distinct().ToList() : null,
            JobIds = _jobIds.Count > 0 ? _jobIds.Distinct().ToList() : null,
            JobName = JobName,
            First = _runIds.Count > 0 ? Math.Max(First, _runIds.Count) : First,
        };
        var runs = Await(token => Reader().ListRunsAsync(filter, token), connection.Location);
        foreach (var run in runs) WriteObject(run);

        if (_runIds.Count > 0)
        {
            foreach (var missing in _runIds.Select(r => r.RunId).Distinct().Except(runs.Select(r => r.RunId)))
                WriteError(ErrorMapper.ToErrorRecord(new Core.Clusters.RunNotFoundException(missing, connection.Location), missing));
        }
        else if (runs.Count == 0)
        {
            var what = string.Join(", ", new[] { Level is null ? null : $"level {Level}", JobName is null ? null : $"job name '{JobName}'", _jobIds.Count == 0 ? null : $"job id {string.Join(", ", _jobIds.Distinct())}" }.Where(x => x is not null));
            // Nothing to check is not a failure: a runbook with -ErrorAction Stop gets no output and carries on.
            Warn($"No clustering run {(what.Length > 0 ? "with " + what + " " : "")}between {since:u} and {until:u} on {connection.Location}. " +
                 "Widen the window with -Since, or check the filters." + OtherTeams(connection));
        }
    }
}
