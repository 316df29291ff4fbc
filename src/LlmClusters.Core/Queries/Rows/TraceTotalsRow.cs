namespace LlmClusters.Core.Queries.Rows;

/// <summary>One trace's totals from <see cref="TraceQueries.TraceTotals"/> or <see cref="TraceQueries.RecentTraces"/>.</summary>
public sealed record TraceTotalsRow(string TraceId, string? TraceName, DateTime? StartTime, DateTime? EndTime)
{
    public double TotalLatency { get; init; }
    public double TotalCost { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long CacheReadTokens { get; init; }
    public long CacheWriteTokens { get; init; }
    public long ErrorCount { get; init; }
    public long EventCount { get; init; }
    public IReadOnlyList<string> Models { get; init; } = [];
    public IReadOnlyList<string> Providers { get; init; } = [];
    public long? Team { get; init; }
}
