namespace LlmClusters.Core.Clusters;

/// <summary>A cluster's metrics object in PostHog's form (trace_clustering/data.py).</summary>
public sealed record RunEventMetrics(long ItemCount, double? AvgCost, double? AvgLatency, double? AvgTokens, double? TotalCost, long ErrorCount, double ErrorRate);
