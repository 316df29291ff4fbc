using LlmClusters.Core.Model;

namespace LlmClusters.Sessions;

/// <summary>A command needs a connection and this session has none (after Disconnect-LlmAnalytics, or a connect that failed).</summary>
internal sealed class NotConnectedException(string why)
    : LlmClustersException(FailureKind.NotConnected,
        $"Not connected: {why}. Connect with Connect-LlmAnalytics (-Path <folder>, -Demo, -Server <host> or -ProjectId <id>), or pass -Connection.");
