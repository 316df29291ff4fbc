using System.Management.Automation;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Infrastructure;
using LlmClusters.Sessions;

namespace LlmClusters.Commands;

/// <summary>Shows the session's current connection.</summary>
[Cmdlet(VerbsCommon.Get, "LlmAnalyticsConnection")]
[OutputType(typeof(LlmAnalyticsConnection))]
public sealed class GetLlmAnalyticsConnectionCommand : LlmClustersCmdlet
{
    protected override void ProcessRecord()
    {
        var current = ConnectionRegistry.Current;
        if (current is null)
        {
            WriteError(ConnectionRegistry.NotConnectedReason is { } why
                ? ErrorMapper.ToErrorRecord(new NotConnectedException(why), null)
                : ErrorMapper.Refusal(ErrorKinds.NotConnected, null,
                    $"There is no current connection. Run Connect-LlmAnalytics (or Connect-LlmAnalytics -Demo); until then commands read the embedded data folder {EmbeddedSource.DefaultDataPath}."));
            return;
        }
        WriteObject(current);
    }
}
