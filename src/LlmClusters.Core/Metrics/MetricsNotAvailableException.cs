using LlmClusters.Core.Model;

namespace LlmClusters.Core.Metrics;

/// <summary>Metrics cannot be computed for this run (an evaluation-level run, or a run event without a window).</summary>
public sealed class MetricsNotAvailableException(string runId, string reason) : LlmClustersException(FailureKind.MetricsNotAvailable, $"Metrics cannot be computed for run '{runId}': {reason}")
{
    public string RunId { get; } = runId;
    public override object? Target => RunId;
}
