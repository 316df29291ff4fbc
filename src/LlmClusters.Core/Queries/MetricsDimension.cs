namespace LlmClusters.Core.Queries;

/// <summary>How Measure-ClusterMetrics splits each cluster's figures: not at all, by $ai_model, or by $ai_provider.</summary>
public enum MetricsDimension
{
    None,
    Model,
    Provider,
}
