using LlmClusters.Core.Model;
using LlmClusters.Core.Sources;

namespace LlmClusters.Infrastructure;

/// <summary>The session's current connection. Without Connect-LlmAnalytics, the embedded engine over the default folder.</summary>
internal static class ConnectionRegistry
{
    private static readonly object Gate = new();
    private static LlmAnalyticsConnection? _current;

    // Connections written to the pipeline (-PassThru) may live on in a variable and be passed as -Connection later,
    // so making another connection current must not close them.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<LlmAnalyticsConnection, object> HandedOut = new();

    public static void MarkHandedOut(LlmAnalyticsConnection connection) => HandedOut.AddOrUpdate(connection, Gate);

    public static LlmAnalyticsConnection? Current
    {
        get { lock (Gate) return _current; }
    }

    public static LlmAnalyticsConnection CurrentOrDefault()
    {
        lock (Gate) return _current ??= new LlmAnalyticsConnection(new EmbeddedSource(EmbeddedSource.DefaultDataPath));
    }

    public static void Set(LlmAnalyticsConnection connection)
    {
        lock (Gate)
        {
            if (_current is { } previous && !ReferenceEquals(previous, connection) && !HandedOut.TryGetValue(previous, out _)) previous.Dispose();
            _current = connection;
        }
    }

    public static LlmAnalyticsConnection? Clear()
    {
        lock (Gate)
        {
            var previous = _current;
            _current = null;
            previous?.Dispose();
            return previous;
        }
    }
}
