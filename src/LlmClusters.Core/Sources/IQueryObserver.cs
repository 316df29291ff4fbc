using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>Hears about each statement (for -Verbose). Called on the thread that runs the query.</summary>
public interface IQueryObserver
{
    void QueryStarting(SqlQuery query, string location);
    void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows);
}
