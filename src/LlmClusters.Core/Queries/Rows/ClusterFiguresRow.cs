namespace LlmClusters.Core.Queries.Rows;

/// <summary>
/// One cluster's figures (per model or provider when Dimension is set) from <see cref="MetricsQueries.ClusterMetrics"/>
/// or <see cref="MetricsQueries.MembershipMetrics"/>. Means over nothing are null, not NaN. The items-with counts say
/// how many items each mean is over, so parts of a membership can be combined.
/// </summary>
public sealed record ClusterFiguresRow(int ClusterId, string Dimension, long Items)
{
    public long ItemsWithCost { get; init; }
    public long ItemsWithLatency { get; init; }
    public long ItemsWithTokens { get; init; }
    public double? TotalCost { get; init; }
    public double? AvgCost { get; init; }
    public double? P95Cost { get; init; }
    public double? AvgLatency { get; init; }
    public double? AvgGenerationLatency { get; init; }
    public double? P50Latency { get; init; }
    public double? P95Latency { get; init; }
    public double? P99Latency { get; init; }
    public double? AvgTokens { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long Errors { get; init; }
    public long FailedEvents { get; init; }
    public string? TopModel { get; init; }
    public int ModelCount { get; init; }
    public DateTime? FirstSeen { get; init; }
    public DateTime? LastSeen { get; init; }
}
