using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>Hears about each statement (for -Verbose). Called on the thread that runs the query.</summary>
public interface IQueryObserver
{
    void QueryStarting(SqlQuery query, string location);
    void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows);

    /// <summary>Something the user should know about the data or the engine (shown as a warning): a run event that cannot be read, earlier work to wait for.</summary>
    void Notice(string message) { }

    /// <summary>Something was taken from memory instead of read again (for -Verbose): a run read earlier in the session.</summary>
    void Remembered(string what) { }
}
