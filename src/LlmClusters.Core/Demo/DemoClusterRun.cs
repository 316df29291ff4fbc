using LlmClusters.Core.Model;
namespace LlmClusters.Core.Demo;

/// <summary>A generated clustering run: the run event as inserted and the clusters it holds.</summary>
public sealed record DemoClusterRun(
    string RunId,
    ClusterLevel Level,
    DateTime WindowStart,
    DateTime WindowEnd,
    bool IsLegacy,
    bool HasMetrics,
    DemoEvent Event,
    IReadOnlyList<DemoCluster> Clusters);
