namespace LlmClusters.Core.Model;

/// <summary>
/// What a clustering run clusters. The members are spelled as PostHog writes them ($ai_clustering_level), so that
/// objects show, sort, group and export as PostHog's data does; PowerShell binds them in any letter case.
/// </summary>
public enum ClusterLevel
{
    /// <summary>Items are traces.</summary>
    trace,

    /// <summary>Items are $ai_generation events.</summary>
    generation,

    /// <summary>Items are evaluation events.</summary>
    evaluation,
}
