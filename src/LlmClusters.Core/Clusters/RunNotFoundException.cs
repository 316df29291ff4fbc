using LlmClusters.Core.Model;

namespace LlmClusters.Core.Clusters;

/// <summary>No run event has this run id (in its UTC day, for this team).</summary>
public sealed class RunNotFoundException(string runId, string location)
    : LlmClustersException(FailureKind.RunNotFound, $"No clustering run '{runId}' was found on {location} (looked on the run id's UTC day). List the runs with Get-ClusterRun.")
{
    public string RunId { get; } = runId;
    public override object? Target => RunId;
}
