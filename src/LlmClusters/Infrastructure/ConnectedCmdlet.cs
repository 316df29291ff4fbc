using System.Management.Automation;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Sessions;

namespace LlmClusters.Infrastructure;

/// <summary>A cmdlet that reads or writes through a connection: owns -Connection and how it is found when not given.</summary>
public abstract class ConnectedCmdlet : LlmClustersCmdlet
{
    private LlmAnalyticsConnection? _current;

    /// <summary>Where the command runs its queries; defaults to the session's current connection (Connect-LlmAnalytics).</summary>
    [Parameter]
    public LlmAnalyticsConnection? Connection { get; set; }

    /// <summary>-Connection, else this runspace's current connection, found once per command; without one, the command ends with NotConnected.</summary>
    protected LlmAnalyticsConnection ActiveConnection => Connection ?? (_current ??= OpenCurrent());

    // The first command of a session opens the default folder: the engine is fetched first if it is not here yet.
    private LlmAnalyticsConnection OpenCurrent()
    {
        if (ConnectionRegistry.WouldOpenDefault) EnsureEngine();
        return Guard(ConnectionRegistry.CurrentOrDefault, null);
    }

    /// <summary>A query runner on the active connection, whose statements show under -Verbose.</summary>
    protected QueryRunner Runner() => ActiveConnection.CreateRunner(QueryObserver());

    /// <summary>The core's reader of runs and clusters on the active connection.</summary>
    protected ClusterReader Reader() => new(ActiveConnection, QueryObserver());
}
