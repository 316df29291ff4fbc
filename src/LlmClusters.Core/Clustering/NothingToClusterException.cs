using LlmClusters.Core.Model;

namespace LlmClusters.Core.Clustering;

/// <summary>The window holds too few items to cluster; the message names the window and what to widen.</summary>
public sealed class NothingToClusterException(ClusteringOptions options, int found = 0) : LlmClustersException(FailureKind.NothingToCluster,
    $"Found {found} {options.Level}s to cluster between {options.Since:u} and {options.Until:u}" +
    (options.PropertyFilter is { Count: > 0 } || options.TraceFilter is not null ? " that pass the filter" : "") +
    "; at least 3 are needed. Widen the window with -Since and -Until, loosen -Filter, or check the connection (Get-LlmAnalyticsConnection).")
{
    public ClusteringOptions Options { get; } = options;
}
