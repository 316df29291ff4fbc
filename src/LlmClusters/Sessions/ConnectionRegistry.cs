using System.Management.Automation.Runspaces;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;

namespace LlmClusters.Sessions;

/// <summary>
/// The current connection of each runspace (a runbook host, ForEach-Object -Parallel and web hosts run several at once):
/// what Connect-LlmAnalytics made current there. Before any connect, the embedded engine over the default folder; after
/// Disconnect-LlmAnalytics, or a first connect that failed, none: commands then say how to connect instead of quietly
/// reading another folder. A runspace's entry goes when the runspace closes, with its connection unless the user holds
/// that connection (-PassThru); everything else about a connection lives on the connection.
/// </summary>
internal static class ConnectionRegistry
{
    private static readonly Dictionary<Runspace, RunspaceConnection> Runspaces = new(ReferenceEqualityComparer.Instance);
    private static readonly RunspaceConnection NoRunspace = new();

    private sealed class RunspaceConnection
    {
        public LlmAnalyticsConnection? Current;
        public string? NotConnected;
    }

    // Called under the lock.
    private static RunspaceConnection Here
    {
        get
        {
            if (Runspace.DefaultRunspace is not { } runspace) return NoRunspace;
            if (Runspaces.TryGetValue(runspace, out var here)) return here;
            runspace.StateChanged += Forget;
            return Runspaces[runspace] = new RunspaceConnection();
        }
    }

    private static void Forget(object? sender, RunspaceStateEventArgs e)
    {
        if (sender is not Runspace runspace || e.RunspaceStateInfo.State is not (RunspaceState.Closed or RunspaceState.Broken)) return;
        runspace.StateChanged -= Forget;
        lock (Runspaces)
        {
            if (Runspaces.Remove(runspace, out var closed)) Release(closed.Current);
        }
    }

    /// <summary>A connection the user holds (written by -PassThru) may be passed as -Connection later: it is never closed for them.</summary>
    public static void MarkHandedOut(LlmAnalyticsConnection connection) => connection.HandedOut = true;

    private static void Release(LlmAnalyticsConnection? connection)
    {
        if (connection is { HandedOut: false }) connection.Dispose();
    }

    /// <summary>This runspace's current connection, or null: never opens one.</summary>
    public static LlmAnalyticsConnection? Current
    {
        get { lock (Runspaces) return Here.Current; }
    }

    /// <summary>Why this runspace has no connection (after a disconnect or a failed connect), or null.</summary>
    public static string? NotConnectedReason
    {
        get { lock (Runspaces) return Here.NotConnected; }
    }

    /// <summary>Whether <see cref="CurrentOrDefault"/> would open the default folder (no connection yet, none refused).</summary>
    public static bool WouldOpenDefault
    {
        get { lock (Runspaces) return Here.Current is null && Here.NotConnected is null; }
    }

    /// <summary>This runspace's current connection; the default folder before any connect; NotConnectedException after a disconnect.</summary>
    public static LlmAnalyticsConnection CurrentOrDefault()
    {
        lock (Runspaces)
        {
            var here = Here;
            if (here.Current is { } current) return current;
            if (here.NotConnected is { } why) throw new NotConnectedException(why);
            return here.Current = new LlmAnalyticsConnection(new EmbeddedSource(EmbeddedSource.DefaultDataPath));
        }
    }

    public static void Set(LlmAnalyticsConnection connection)
    {
        lock (Runspaces)
        {
            var here = Here;
            if (here.Current is { } previous && !ReferenceEquals(previous, connection)) Release(previous);
            here.Current = connection;
            here.NotConnected = null;
        }
    }

    /// <summary>A connect failed: the current connection stays (and is returned, for a warning); without one, commands say why.</summary>
    public static LlmAnalyticsConnection? ConnectFailed(string what)
    {
        lock (Runspaces)
        {
            var here = Here;
            if (here.Current is null) here.NotConnected = $"the last Connect-LlmAnalytics ({what}) failed";
            return here.Current;
        }
    }

    /// <summary>Does a runspace other than this one have a connection to the embedded engine (which is one per process)?</summary>
    public static bool EngineUsedElsewhere()
    {
        lock (Runspaces)
        {
            var here = Here;
            foreach (var (runspace, other) in Runspaces)
                if (!ReferenceEquals(other, here) && runspace.RunspaceStateInfo.State == RunspaceState.Opened
                    && other.Current?.AnalyticsSource.UsesProcessEngine == true) return true;
            return false;
        }
    }

    /// <summary>Forgets the current connection; commands then say they are not connected.</summary>
    public static LlmAnalyticsConnection? Clear()
    {
        lock (Runspaces)
        {
            var here = Here;
            var previous = here.Current;
            here.Current = null;
            here.NotConnected = "Disconnect-LlmAnalytics ended the connection";
            Release(previous);
            return previous;
        }
    }
}
