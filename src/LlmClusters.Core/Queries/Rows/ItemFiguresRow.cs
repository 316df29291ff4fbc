namespace LlmClusters.Core.Queries.Rows;

/// <summary>One item's own figures from <see cref="MetricsQueries.ItemMetrics"/>; Models holds the model of each of its generations.</summary>
public sealed record ItemFiguresRow(int ClusterId, string Item, string? TraceId)
{
    public double Cost { get; init; }
    public double Latency { get; init; }
    public double GenerationLatency { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long FailedEvents { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public long EventCount { get; init; }
    public DateTime? FirstSeen { get; init; }
    public DateTime? LastSeen { get; init; }
}
