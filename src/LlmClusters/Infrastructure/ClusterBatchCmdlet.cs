using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Model;
using LlmClusters.Parameters;

namespace LlmClusters.Infrastructure;

/// <summary>
/// A cmdlet that takes runs and clusters from the pipeline (run ids, or objects with RunId and ClusterId) and handles
/// them a run at a time, so that a run is read once, with one query, however many piped objects name it:
/// Get-LlmCluster, Get-ClusterItem and Measure-ClusterMetrics.
/// </summary>
public abstract class ClusterBatchCmdlet : ConnectedCmdlet
{
    private readonly ClusterBatch _batch = new();
    private PipelineInput? _input;

    /// <summary>
    /// The run to read: a run id, or a run, cluster or item (a cluster or an item also names its cluster); from the
    /// pipeline, a run id or an object's RunId. Without one, the newest run.
    /// </summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public RunParameter? RunId { get; set; }

    /// <summary>The clusters to read (all of the run's when none); from the pipeline, an object's ClusterId.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterIdCompleter))]
    public int[]? ClusterId { get; set; }

    /// <summary>What was piped: a run id as text, or an object whose RunId and ClusterId bound above.</summary>
    [Parameter(ValueFromPipeline = true, DontShow = true)]
    public PSObject? InputObject { get; set; }

    /// <summary>Without a run id: the level whose newest run is read (null: any).</summary>
    protected virtual ClusterLevel? NewestOfLevel => null;

    /// <summary>Handles one run's collected clusters (null: all of them).</summary>
    protected abstract void Flush(ClusterRunId runId, IReadOnlyList<int>? clusterIds);

    protected sealed override void ProcessRecord()
    {
        var run = RunId;
        // A piped run id as text, or an object whose RunId did not bind because it is not a run id.
        if (run is null && InputObject is not null)
        {
            if (!TryReadPipedRun(InputObject, out run))
                (_input ??= new PipelineInput(MyInvocation.MyCommand.Name, "run ids, or objects with a RunId (Get-ClusterRun, Get-LlmCluster, Get-ClusterItem)")).Refuse(InputObject);
            if (run is null) return;
        }
        if (RunIdOrNewest(run?.RunId, NewestOfLevel, ActiveConnection) is not { } resolved) return;
        var clusterIds = ClusterId ?? (run?.ClusterId is { } named ? [named] : null);
        if (_batch.Add(resolved, clusterIds) is { } finished) Flush(finished.RunId, finished.ClusterIds);
    }

    protected sealed override void EndProcessing()
    {
        if (_batch.Take() is { } last) Flush(last.RunId, last.ClusterIds);
        if (_input is null) return;
        foreach (var error in _input.Errors("Pipe runs, clusters or items, or name the run with -RunId.")) WriteError(error);
    }
}
