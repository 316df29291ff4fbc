using LlmClusters.Core.Model;
using LlmClusters.Core.Queries.Rows;
using static LlmClusters.Core.Queries.ClusterQueries;

namespace LlmClusters.Core.Queries;

/// <summary>Questions that compare two runs.</summary>
public static class ComparisonQueries
{
    /// <summary>
    /// How many items does each cluster of one run share with each cluster of another? Both memberships are unfolded
    /// from their run events inside ClickHouse; only the small matrix of counts crosses the wire.
    /// </summary>
    public static SqlQuery<SharedItemsRow> SharedItems(EventsTable table, ClusterRunId reference, ClusterRunId difference, long? teamId)
    {
        var parameters = RunParameters(reference, teamId, "_a");
        RunParameters(difference, teamId, "_b", parameters);
        return new SqlQuery<SharedItemsRow>(nameof(SharedItems), $"""
            SELECT a.cluster_id AS reference_cluster, b.cluster_id AS difference_cluster, count() AS shared
            FROM ({RunMembers(table, teamId is not null, "_a")}) AS a
            GLOBAL INNER JOIN ({RunMembers(table, teamId is not null, "_b")}) AS b ON a.item = b.item
            GROUP BY reference_cluster, difference_cluster
            """, parameters, r => new SharedItemsRow(r.GetInt32("reference_cluster") ?? 0, r.GetInt32("difference_cluster") ?? 0, r.GetInt64("shared") ?? 0));
    }
}
