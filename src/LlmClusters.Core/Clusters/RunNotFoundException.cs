namespace LlmClusters.Core.Clusters;

/// <summary>No run event has this run id (in its UTC day, for this team).</summary>
public sealed class RunNotFoundException(string runId, string location)
    : Exception($"No clustering run '{runId}' was found on {location} (looked on the run id's UTC day). List the runs with Get-ClusterRun.")
{
    public string RunId { get; } = runId;
}
