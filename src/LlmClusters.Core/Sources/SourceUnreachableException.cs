using LlmClusters.Core.Model;

namespace LlmClusters.Core.Sources;

/// <summary>A server (ClickHouse, PostHog) could not be reached, or refused the login: the message names the host, the user and the fix.</summary>
public sealed class SourceUnreachableException(string message, bool loginRefused, Exception? inner = null) : LlmClustersException(loginRefused ? FailureKind.LoginFailed : FailureKind.ServerUnreachable, message, inner)
{
    public bool LoginRefused { get; } = loginRefused;
}
