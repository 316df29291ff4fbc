namespace LlmClusters.Core.Clustering;

/// <summary>
/// PostHog's two clustering methods, spelled as PostHog writes them (clustering_method); PowerShell binds them in any
/// letter case.
/// </summary>
public enum ClusteringMethod
{
    hdbscan,
    kmeans,
}
