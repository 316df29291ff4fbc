using LlmClusters.Core.Model;

namespace LlmClusters.Core.Clusters;

/// <summary>Which of a run's clusters a caller asked for: by id, by title pattern, with or without noise.</summary>
public sealed record ClusterSelection
{
    public IReadOnlyCollection<int>? ClusterIds { get; init; }
    public IReadOnlyList<Wildcard>? Titles { get; init; }
    public bool ExcludeNoise { get; init; }

    public bool Matches(LlmCluster cluster) =>
        (ClusterIds is not { Count: > 0 } || ClusterIds.Contains(cluster.ClusterId))
        && (Titles is not { Count: > 0 } || Titles.Any(t => t.IsMatch(cluster.Title)))
        && !(ExcludeNoise && cluster.IsNoise);
}
