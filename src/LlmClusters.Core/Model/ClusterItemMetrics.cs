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

    /// <summary>The item's longest single event (PostHog's clusters page).</summary>
    public double Latency { get; init; }

    /// <summary>The summed latency of the item's generations (what PostHog's clustering workflow stores).</summary>
    public double GenerationLatency { get; init; }

    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    public long Tokens => InputTokens + OutputTokens;

    /// <summary>At least one of the item's events failed.</summary>
    public bool IsError { get; init; }

    /// <summary>How many of the item's events failed.</summary>
    public long FailedEvents { get; init; }

    public string? Model { get; init; }
    public long EventCount { get; init; }
    public DateTime? FirstSeen { get; init; }
    public DateTime? LastSeen { get; init; }
    /// <summary>The item's trace in PostHog; null when the item's trace is not known.</summary>
    public string? UiUrl { get; init; }

    public override string ToString() => ItemId;
}
