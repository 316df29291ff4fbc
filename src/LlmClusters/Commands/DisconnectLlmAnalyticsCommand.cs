using System.Management.Automation;
using LlmClusters.Core.Sources;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Forgets the current connection and closes the embedded engine, releasing its data folder.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "LlmAnalytics")]
[OutputType(typeof(void))]
public sealed class DisconnectLlmAnalyticsCommand : LlmClustersCmdlet
{
    protected override void ProcessRecord()
    {
        var previous = ConnectionRegistry.Clear();
        EngineControl.Shutdown();
        WriteVerbose(previous is null ? "There was no current connection." : $"Disconnected from {previous}.");
    }
}
