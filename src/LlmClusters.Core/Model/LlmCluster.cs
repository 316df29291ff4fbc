namespace LlmClusters.Core.Model;

/// <summary>One cluster of a run: what it is about, how big it is, and its metrics when known.</summary>
public sealed record LlmCluster
{
    public required string RunId { get; init; }
    public required string Level { get; init; }
    public int ClusterId { get; init; }
    public required string Title { get; init; }
    public string? Description { get; init; }
    public long Size { get; init; }
    public bool IsNoise { get; init; }
    public double? CentroidX { get; init; }
    public double? CentroidY { get; init; }
    public DateTime? WindowStart { get; init; }
    public DateTime? WindowEnd { get; init; }
    public required string UiUrl { get; init; }

    public long? ItemCount { get; init; }
    public double? TotalCost { get; init; }
    public double? AvgCost { get; init; }
    public double? AvgLatency { get; init; }
    public double? AvgTokens { get; init; }
    public long? ErrorCount { get; init; }
    public double? ErrorRate { get; init; }

    /// <summary>Where the metric properties came from: Run (the run's own metrics object), Computed, or None.</summary>
    public string MetricsSource { get; init; } = "None";

    public override string ToString() => $"{ClusterId}: {Title}";
}
