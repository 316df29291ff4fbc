using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using LlmClusters.Core.Model;
using LlmClusters.Core.Sources;

namespace LlmClusters.Sessions;

/// <summary>
/// The current connection of each runspace (a runbook host, ForEach-Object -Parallel and web hosts run several at once):
/// what Connect-LlmAnalytics made current there. Before any connect, the embedded engine over the default folder; after
/// Disconnect-LlmAnalytics, or a first connect that failed, none: commands then say how to connect instead of quietly
/// reading another folder.
/// </summary>
internal static class ConnectionRegistry
{
    private static readonly ConditionalWeakTable<Runspace, State> States = new();
    private static readonly State NoRunspace = new();

    // Connections written to the pipeline (-PassThru) may live on in a variable and be passed as -Connection later,
    // so making another connection current must not close them.
    private static readonly ConditionalWeakTable<LlmAnalyticsConnection, object> HandedOut = new();

    private sealed class State
    {
        public LlmAnalyticsConnection? Current;
        public string? NotConnected;
    }

    private static State Here => Runspace.DefaultRunspace is { } runspace ? States.GetValue(runspace, _ => new State()) : NoRunspace;

    public static void MarkHandedOut(LlmAnalyticsConnection connection) => HandedOut.AddOrUpdate(connection, NoRunspace);

    /// <summary>This runspace's current connection, or null: never opens one.</summary>
    public static LlmAnalyticsConnection? Current
    {
        get { lock (States) return Here.Current; }
    }

    /// <summary>Why this runspace has no connection (after a disconnect or a failed connect), or null.</summary>
    public static string? NotConnectedReason
    {
        get { lock (States) return Here.NotConnected; }
    }

    /// <summary>Whether <see cref="CurrentOrDefault"/> would open the default folder (no connection yet, none refused).</summary>
    public static bool WouldOpenDefault
    {
        get { lock (States) return Here.Current is null && Here.NotConnected is null; }
    }

    /// <summary>This runspace's current connection; the default folder before any connect; NotConnectedException after a disconnect.</summary>
    public static LlmAnalyticsConnection CurrentOrDefault()
    {
        lock (States)
        {
            var state = Here;
            if (state.Current is { } current) return current;
            if (state.NotConnected is { } why) throw new NotConnectedException(why);
            return state.Current = new LlmAnalyticsConnection(new EmbeddedSource(EmbeddedSource.DefaultDataPath));
        }
    }

    public static void Set(LlmAnalyticsConnection connection)
    {
        lock (States)
        {
            var state = Here;
            if (state.Current is { } previous && !ReferenceEquals(previous, connection) && !HandedOut.TryGetValue(previous, out _)) previous.Dispose();
            state.Current = connection;
            state.NotConnected = null;
        }
    }

    /// <summary>A connect failed: the current connection stays (and is returned, for a warning); without one, commands say why.</summary>
    public static LlmAnalyticsConnection? ConnectFailed(string what)
    {
        lock (States)
        {
            var state = Here;
            if (state.Current is null) state.NotConnected = $"the last Connect-LlmAnalytics ({what}) failed";
            return state.Current;
        }
    }

    /// <summary>Does a runspace other than this one have a connection to the embedded engine (which is one per process)?</summary>
    public static bool EngineUsedElsewhere()
    {
        lock (States)
        {
            var here = Here;
            foreach (var (runspace, state) in States)
                if (!ReferenceEquals(state, here) && runspace.RunspaceStateInfo.State == RunspaceState.Opened
                    && state.Current?.AnalyticsSource.UsesProcessEngine == true) return true;
            return false;
        }
    }

    /// <summary>Forgets the current connection; commands then say they are not connected.</summary>
    public static LlmAnalyticsConnection? Clear()
    {
        lock (States)
        {
            var state = Here;
            var previous = state.Current;
            state.Current = null;
            state.NotConnected = "Disconnect-LlmAnalytics ended the connection";
            if (previous is not null && !HandedOut.TryGetValue(previous, out _)) previous.Dispose();
            return previous;
        }
    }
}
