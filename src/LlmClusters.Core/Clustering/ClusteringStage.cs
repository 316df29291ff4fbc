namespace LlmClusters.Core.Clustering;

/// <summary>The steps of a local clustering run, in order.</summary>
public enum ClusteringStage
{
    Sample,
    Read,
    Embed,
    Reduce,
    Cluster,
    Describe,
    Measure,
    Write,
}
