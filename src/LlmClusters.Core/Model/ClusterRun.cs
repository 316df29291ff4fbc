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

    /// <summary>The largest cluster's size (outliers left out) over the run's items; null for a run without items.</summary>
    public double? LargestClusterShare { get; init; }

    /// <summary>
    /// Whether the run collapsed: its largest cluster holds more of the items than the run's max_cluster_size_fraction
    /// allows (0.5, PostHog's default, when the run records none), as about one nightly run in nine did before PostHog
    /// began to cap clusters. HDBSCAN's collapse: a k-means run makes the clusters it was asked for, and two of them
    /// may well split the items 60/40.
    /// </summary>
    public bool Collapsed => LargestClusterShare > (Params?.MaxClusterSizeFraction ?? DefaultMaxClusterSizeFraction) && ClusteringMethod != "kmeans";

    /// <summary>PostHog's cap on a cluster's share of the items (trace_clustering/constants.py).</summary>
    public const double DefaultMaxClusterSizeFraction = 0.5;
    public DateTime Timestamp { get; init; }
    public string? ClusteringMethod { get; init; }
    public string? VisualizationMethod { get; init; }
    public ClusteringParams? Params { get; init; }
    public required string UiUrl { get; init; }

    public override string ToString() => RunId;
}
