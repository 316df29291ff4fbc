namespace LlmClusters.Core.Model;

/// <summary>One item's own figures (Measure-ClusterMetrics -PerItem), for drilling into a cluster.</summary>
public sealed record ClusterItemMetrics
{
    public required string RunId { get; init; }
    public int ClusterId { get; init; }
    public required string ItemId { get; init; }
    public string? TraceId { get; init; }
    public string? GenerationId { get; init; }
    public double Cost { get; init; }
    public double Latency { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long Tokens => InputTokens + OutputTokens;
    public bool IsError { get; init; }
    public string? Model { get; init; }
    public long EventCount { get; init; }
    public DateTime? FirstSeen { get; init; }
    public DateTime? LastSeen { get; init; }
    public required string UiUrl { get; init; }

    public override string ToString() => ItemId;
}
