namespace LlmClusters.Core.Clustering;

/// <summary>Where a local clustering run is: its step and, for long steps, how many items are done.</summary>
public sealed record ClusteringProgress(ClusteringStage Stage, int Done, int Total);
