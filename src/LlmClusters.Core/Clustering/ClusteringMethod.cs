namespace LlmClusters.Core.Clustering;

/// <summary>PostHog's two clustering methods.</summary>
public enum ClusteringMethod
{
    Hdbscan,
    KMeans,
}
