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

    /// <summary>Evaluation-level runs: the share of the cluster's evaluations that passed, and that were not applicable.</summary>
    public double? PassRate { get; init; }

    public double? NaRate { get; init; }
    public string? DominantEvaluationName { get; init; }
    public double? AvgJudgeCost { get; init; }

    /// <summary>Runs with sentiment: the cluster's dominant sentiment and its score.</summary>
    public string? SentimentLabel { get; init; }

    public double? SentimentScore { get; init; }

    /// <summary>Where the metric properties came from: Run (the run's own metrics object), Computed, or None.</summary>
    public string MetricsSource { get; init; } = "None";

    public override string ToString() => $"{ClusterId}: {Title}";
}
