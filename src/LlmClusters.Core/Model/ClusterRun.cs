namespace LlmClusters.Core.Model;

/// <summary>One clustering run: a $ai_trace_clusters, $ai_generation_clusters or $ai_evaluation_clusters event.</summary>
public sealed record ClusterRun
{
    public required string RunId { get; init; }
    public long TeamId { get; init; }
    public required ClusterLevel Level { get; init; }
    public string? JobId { get; init; }
    public string? JobName { get; init; }
    public DateTime? WindowStart { get; init; }
    public DateTime? WindowEnd { get; init; }
    public long? TotalItemsAnalyzed { get; init; }
    public int ClusterCount { get; init; }
    public long NoiseSize { get; init; }
    public DateTime Timestamp { get; init; }
    public string? ClusteringMethod { get; init; }
    public string? VisualizationMethod { get; init; }
    public ClusteringParams? Params { get; init; }
    public required string UiUrl { get; init; }

    public override string ToString() => RunId;
}
