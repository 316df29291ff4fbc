using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries.Rows;

/// <summary>
/// One cluster of <see cref="ClusterQueries.RunClusters"/>, with its run's fields (HasCluster is false on the one row
/// of a run with no cluster). The figures are as the run stores them: numbers PostHog's workflow wrote, unchecked.
/// </summary>
public sealed record RunClusterRow(RunFieldsRow Run, bool PayloadValid, long Copies, bool HasCluster)
{
    public long? ClusterId { get; init; }
    public long? Size { get; init; }
    public long ItemsInMap { get; init; }
    public string? Title { get; init; }
    public string? Description { get; init; }
    public double? CentroidX { get; init; }
    public double? CentroidY { get; init; }
    /// <summary>The trace- and generation-level figures the run stores; null when it stores none.</summary>
    public RunEventMetrics? StoredMetrics { get; init; }
    public double? PassRate { get; init; }
    public double? NaRate { get; init; }
    public string? DominantEvaluationName { get; init; }
    public string? DominantRuntime { get; init; }
    public double? AvgJudgeCost { get; init; }
    public string? SentimentLabel { get; init; }
    public double? SentimentScore { get; init; }
}
