using LlmClusters.Core.Model;

namespace LlmClusters.Infrastructure;

/// <summary>
/// A cmdlet that takes (run, clusters) pairs from the pipeline and handles them a run at a time, so that a run's
/// clusters are read with one query: Get-ClusterItem and Measure-ClusterMetrics.
/// </summary>
public abstract class ClusterBatchCmdlet : LlmClustersCmdlet
{
    private readonly ClusterBatch _batch = new();

    /// <summary>The run of the current pipeline object (null: the newest run).</summary>
    protected abstract string? BatchRunId { get; }

    /// <summary>The clusters of the current pipeline object (null: the whole run).</summary>
    protected abstract int[]? BatchClusterIds { get; }

    protected abstract LlmAnalyticsConnection? BatchConnection { get; }

    /// <summary>Handles one run's collected clusters (null: all of them).</summary>
    protected abstract void Flush(string runId, IReadOnlyList<int>? clusterIds);

    protected sealed override void ProcessRecord()
    {
        if (RunIdOrNewest(BatchRunId, null, BatchConnection ?? ConnectionRegistry.CurrentOrDefault()) is not { } runId) return;
        if (_batch.Add(runId, BatchClusterIds) is { } finished) Flush(finished.RunId, finished.ClusterIds);
    }

    protected sealed override void EndProcessing()
    {
        if (_batch.Take() is { } last) Flush(last.RunId, last.ClusterIds);
    }
}
