using LlmClusters.Core.Model;

namespace LlmClusters.Core.Sources;

/// <summary>The embedded engine stopped answering: the watchdog turned what would be a hang into this error.</summary>
public sealed class EngineNotRespondingException(string what)
    : LlmClustersException(FailureKind.EngineNotResponding, $"The embedded engine is not responding: {what}. Restart PowerShell to use the embedded source again; " +
                "the ClickHouse and PostHog sources (Connect-LlmAnalytics -Server or -ProjectId) still work in this session.");
