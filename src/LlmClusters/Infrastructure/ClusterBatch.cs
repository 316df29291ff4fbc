using LlmClusters.Core.Model;

namespace LlmClusters.Infrastructure;

/// <summary>
/// Collects the (run, clusters) pairs piped into a cmdlet and hands them over one run at a time, so that all the
/// clusters of a run are read by one query instead of one query per cluster. No cluster ids means the whole run.
/// </summary>
internal sealed class ClusterBatch
{
    private ClusterRunId? _runId;
    private readonly List<int> _clusterIds = [];
    private bool _wholeRun;

    /// <summary>Adds a pair; when it belongs to another run than the pairs before it, returns those as a finished batch.</summary>
    public (ClusterRunId RunId, IReadOnlyList<int>? ClusterIds)? Add(ClusterRunId runId, int[]? clusterIds)
    {
        var finished = _runId is not null && _runId.RunId != runId.RunId ? Take() : null;
        _runId = runId;
        if (clusterIds is { Length: > 0 }) _clusterIds.AddRange(clusterIds);
        else _wholeRun = true;
        return finished;
    }

    /// <summary>The batch collected so far, if any, leaving the collector empty.</summary>
    public (ClusterRunId RunId, IReadOnlyList<int>? ClusterIds)? Take()
    {
        if (_runId is null) return null;
        var batch = (_runId, _wholeRun ? null : (IReadOnlyList<int>)_clusterIds.Distinct().ToList());
        _runId = null;
        _clusterIds.Clear();
        _wholeRun = false;
        return batch;
    }
}
