using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries.Rows;

/// <summary>
/// One cluster's figures (per model or provider when Dimension is set) from <see cref="MetricsQueries.ClusterMetrics"/>
/// or <see cref="MetricsQueries.MembershipMetrics"/>, by the property each fills (see ClusterFigures). Means
/// over nothing are null, not NaN. The items-with counts say how many items each mean is over, so parts of a
/// membership can be combined.
/// </summary>
public sealed record ClusterFiguresRow(int ClusterId, string Dimension, long Items, IReadOnlyDictionary<string, object?> Figures)
{
    public long ItemsWithCost { get; init; }
    public long ItemsWithLatency { get; init; }
    public long ItemsWithTokens { get; init; }

    public double? Number(string property) => Figures[property] as double?;

    public long Count(string property) => Figures[property] as long? ?? 0;

    public double? TotalCost => Number(nameof(ClusterMetrics.TotalCost));
    public long Errors => Count(nameof(ClusterMetrics.ErrorCount));
}
