namespace LlmClusters.Core.Model;

/// <summary>One cluster of a run: what it is about, how big it is, and its metrics when known.</summary>
public sealed record LlmCluster
{
    public required string RunId { get; init; }
    public required ClusterLevel Level { get; init; }
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

    /// <summary>Items with at least one event in the run's window (trace- and generation-level runs: as PostHog's clusters page counts them).</summary>
    public long? ItemCount { get; init; }

    public double? TotalCost { get; init; }
    public double? AvgCost { get; init; }

    /// <summary>Mean over the items of each item's latency: its longest single event (PostHog's clusters page, the seed's Step 3).</summary>
    public double? AvgLatency { get; init; }

    public double? AvgTokens { get; init; }

    /// <summary>Items with at least one failed event.</summary>
    public long? ErrorCount { get; init; }

    /// <summary>ErrorCount over ItemCount: the share of items with a failure; null when no item had events.</summary>
    public double? ErrorRate { get; init; }

    /// <summary>Failed events in all (a trace can fail more than once); PostHog's newest page shows min(1, FailedEventCount / ItemCount).</summary>
    public long? FailedEventCount { get; init; }

    /// <summary>
    /// Trace- and generation-level runs with metrics: the evaluations of the cluster's items (see ClusterMetrics); null
    /// on evaluation-level runs, whose stored metrics do not say.
    /// </summary>
    public long? EvaluationCount { get; init; }

    /// <summary>
    /// The share of the evaluations with a known verdict that passed, and that were not applicable: stored on
    /// evaluation-level runs, computed from the evaluations of the items on trace- and generation-level runs.
    /// </summary>
    public double? PassRate { get; init; }

    public double? NaRate { get; init; }
    public string? DominantEvaluationName { get; init; }

    /// <summary>Evaluation-level runs: how most of the cluster's evaluations ran, <c>llm_judge</c> or <c>hog</c>.</summary>
    public string? DominantRuntime { get; init; }

    /// <summary>Evaluation-level runs: the mean cost of the judge's own call (llm_judge evaluations only).</summary>
    public double? AvgJudgeCost { get; init; }

    /// <summary>Runs with sentiment: the cluster's dominant sentiment and its score.</summary>
    public string? SentimentLabel { get; init; }

    public double? SentimentScore { get; init; }

    /// <summary>
    /// Where the metric properties came from: Computed (from the events, as PostHog's clusters page computes them for
    /// trace- and generation-level runs), Run (the run's own metrics object, which the page shows for evaluation-level
    /// runs), or None.
    /// </summary>
    public MetricsSource MetricsSource { get; init; } = MetricsSource.None;

    /// <summary>
    /// The metrics object stored on the run by PostHog's clustering workflow, by the workflow's own definitions (its
    /// AvgLatency sums each trace's generations, its window excludes the end): shown here, apart, because they are not
    /// the figures PostHog's clusters page shows for trace- and generation-level runs. Null when the run has none.
    /// </summary>
    public RunEventMetrics? StoredMetrics { get; init; }

    public override string ToString() => $"{ClusterId}: {Title}";
}
