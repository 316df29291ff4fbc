
namespace LlmClusters.Core.Model;

/// <summary>A run's clusters as read, and what could not be read cleanly (to warn about once).</summary>
public sealed record RunClusters(ClusterRun Run, IReadOnlyList<LlmCluster> Clusters, IReadOnlyList<string> Problems);
