using LlmClusters.Core.Model;
using LlmClusters.Core.Sources;

namespace LlmClusters.Infrastructure;

/// <summary>The session's current connection. Without Connect-LlmAnalytics, the embedded engine over the default folder.</summary>
internal static class ConnectionRegistry
{
    private static readonly object Gate = new();
    private static LlmAnalyticsConnection? _current;

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
            if (!ReferenceEquals(_current, connection)) _current?.Dispose();
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
