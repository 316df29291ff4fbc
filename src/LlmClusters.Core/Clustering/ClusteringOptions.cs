using LlmClusters.Core.Model;

namespace LlmClusters.Core.Clustering;

/// <summary>What Invoke-LlmClustering clusters and how. Times are UTC.</summary>
public sealed record ClusteringOptions
{
    public ClusterLevel Level { get; init; } = ClusterLevel.trace;
    public required DateTime Since { get; init; }
    public required DateTime Until { get; init; }

    /// <summary>At most this many items are clustered (PostHog's default, 1,500).</summary>
    public int MaxSamples { get; init; } = 1500;

    public ClusteringMethod Method { get; init; } = ClusteringMethod.hdbscan;

    /// <summary>HDBSCAN's smallest cluster; by default MinClusterSizeFraction of the items.</summary>
    public int? MinClusterSize { get; init; }

    /// <summary>HDBSCAN's smallest cluster as a share of the items (at least 5 items), PostHog's default 2%.</summary>
    public double MinClusterSizeFraction { get; init; } = DefaultMinClusterSizeFraction;

    public const double DefaultMinClusterSizeFraction = 0.02;

    /// <summary>
    /// HDBSCAN's largest cluster as a share of the items (PostHog's default, 0.5): a larger one is refused and selection
    /// descends into its children, so that a run cannot collapse into one cluster.
    /// </summary>
    public double MaxClusterSizeFraction { get; init; } = ClusterRun.DefaultMaxClusterSizeFraction;

    /// <summary>HDBSCAN's neighbours for a core distance (PostHog's min_samples, 5).</summary>
    public int MinSamples { get; init; } = 5;

    /// <summary>k-means: this k, or the best by silhouette between MinK and MaxK.</summary>
    public int? K { get; init; }

    public int MinK { get; init; } = 2;
    public int MaxK { get; init; } = 10;
    public int Seed { get; init; } = 42;

    /// <summary>The principal components the items are clustered in.</summary>
    public int Dimensions { get; init; } = 10;

    public int MaxTextLength { get; init; } = ItemText.DefaultLength;

    /// <summary>Traces and generations: PostHog's summaries or the items' content (evaluations embed their verdict).</summary>
    public ItemTextSource Text { get; init; } = ItemTextSource.Auto;

    /// <summary>Only items with an event whose property has the value (all pairs must hold); filtered in the database.</summary>
    public IReadOnlyList<KeyValuePair<string, string>>? PropertyFilter { get; init; }

    /// <summary>Only traces this accepts (a scriptblock, in PowerShell); applied to the sampled traces until MaxSamples pass.</summary>
    public Func<LlmTrace, bool>? TraceFilter { get; init; }

    /// <summary>The run's team when the connection names none and the items do not say.</summary>
    public long DefaultTeamId { get; init; } = 1;

    /// <summary>Items per metrics query: bound lists travel in the request, which servers bound in size.</summary>
    internal int MembersPerQuery { get; init; } = 2_000;

    /// <summary>As PostHog's workflow reckons it (clustering.py): the share of the items, at least 5, at most all of them.</summary>
    public int MinClusterSizeFor(int items) => MinClusterSize ?? Math.Min(items, Math.Max(5, (int)(items * MinClusterSizeFraction)));

    /// <summary>As PostHog's workflow passes it to HDBSCAN (clustering.py): max(min_cluster_size, int(n * fraction)).</summary>
    public int MaxClusterSizeFor(int items) => Math.Max(MinClusterSizeFor(items), (int)(items * MaxClusterSizeFraction));
}
