namespace LlmClusters.Core.Model;

/// <summary>Reading a level as PostHog writes it.</summary>
public static class ClusterLevels
{
    /// <summary>The level of a run's $ai_clustering_level; a run without one (old runs) is trace-level, as in PostHog.</summary>
    public static ClusterLevel FromPostHog(string? text) => TryFromPostHog(text) ?? ClusterLevel.trace;

    /// <summary>A level PostHog names (a job's analysis_level); null for one this version does not know.</summary>
    public static ClusterLevel? TryFromPostHog(string? text) => text switch
    {
        "trace" => ClusterLevel.trace,
        "generation" => ClusterLevel.generation,
        "evaluation" => ClusterLevel.evaluation,
        _ => null,
    };
}
