using System.Management.Automation;
using LlmClusters.Core.Sources;
using LlmClusters.Infrastructure;
using LlmClusters.Sessions;

namespace LlmClusters.Commands;

/// <summary>Forgets the current connection and closes the embedded engine, releasing its data folder.</summary>
[Cmdlet(VerbsCommunications.Disconnect, "LlmAnalytics")]
[OutputType(typeof(void))]
public sealed class DisconnectLlmAnalyticsCommand : LlmClustersCmdlet
{
    protected override void ProcessRecord()
    {
        var previous = ConnectionRegistry.Clear();
        WriteVerbose(previous is null ? "There was no current connection." : $"Disconnected from {previous}.");
        // The engine is one per process: another runspace's commands may be using it.
        if (ConnectionRegistry.EngineUsedElsewhere()) WriteVerbose("The embedded engine stays open: another runspace of this process uses it.");
        else if (!EngineControl.Shutdown()) Warn("The embedded engine is still busy and was left open; its data folder is released when the process exits.");
    }
}
