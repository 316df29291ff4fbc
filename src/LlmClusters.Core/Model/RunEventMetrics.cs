namespace LlmClusters.Core.Model;

/// <summary>
/// A cluster's metrics object as PostHog's clustering workflow stores it on a run (trace_clustering/aggregates.py), by
/// the workflow's definitions (<see cref="Queries.MetricsDefinition.Workflow"/>): AvgLatency there is the mean, over the
/// items, of the summed latency of their generations, and the window end is excluded. ErrorRate is null when no item
/// had events.
/// </summary>
public sealed record RunEventMetrics(long ItemCount, double? AvgCost, double? AvgLatency, double? AvgTokens, double? TotalCost, long ErrorCount, double? ErrorRate)
{
    /// <summary>Evaluation-level runs: what PostHog's evaluation workflow adds (evaluation_clustering/aggregates.py); null on other runs.</summary>
    public RunEventVerdicts? Verdicts { get; init; }
}

/// <summary>The verdict figures PostHog's evaluation clustering workflow stores beside an evaluation cluster's metrics.</summary>
public sealed record RunEventVerdicts(double? PassRate, double? NaRate, string? DominantEvaluationName, string? DominantRuntime, double? AvgJudgeCost);
