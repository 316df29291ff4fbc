using LlmClusters.Core.Model;

namespace LlmClusters.Core.Native;

/// <summary>The embedded engine cannot run here; the message names the sources that can.</summary>
public sealed class EngineUnavailableException : LlmClustersException
{
    public EngineUnavailableException(string reason)
        : base(FailureKind.EngineUnavailable, reason + " Use another source instead: 'Connect-LlmAnalytics -Server <host>' for a ClickHouse server, or 'Connect-LlmAnalytics -ProjectId <id>' for the PostHog API.")
    {
    }
}
