using LlmClusters.Core.Model;

namespace LlmClusters.Core.Clusters;

/// <summary>The run event exists but its $ai_clusters is not a JSON array, so no cluster can be read from it.</summary>
public sealed class InvalidRunPayloadException(string runId)
    : LlmClustersException(FailureKind.InvalidRunPayload, $"The run '{runId}' has no readable clusters: its $ai_clusters property is missing or is not a valid JSON array. The run event is damaged; pick another run (Get-ClusterRun).")
{
    public string RunId { get; } = runId;
    public override object? Target => RunId;
}
