using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>What every source does the same way on top of <see cref="IAnalyticsSource.ReadAsync"/>.</summary>
public static class AnalyticsSourceExtensions
{
    /// <summary>All of a statement's rows at once, for results known to be small (and for DDL and inserts, which have none).</summary>
    public static Task<QueryResult> QueryAsync(this IAnalyticsSource source, SqlQuery query, CancellationToken cancellationToken) =>
        QueryResult.CollectAsync(source.ReadAsync(query, cancellationToken), cancellationToken);
}
