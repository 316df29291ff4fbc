using LlmClusters.Core.Model;
namespace LlmClusters.Core.Clusters;

/// <summary>One cluster object of a run event's $ai_clusters, items in rank order.</summary>
public sealed record RunEventCluster(int ClusterId, string Title, string Description, IReadOnlyList<RunEventItem> Items,
    IReadOnlyList<double> Centroid, double CentroidX, double CentroidY)
{
    public RunEventMetrics? Metrics { get; init; }

    /// <summary>Writes "metrics": null, as some runs do, instead of leaving metrics out when there are none.</summary>
    public bool MetricsAsNull { get; init; }
}
