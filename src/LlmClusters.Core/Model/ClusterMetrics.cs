namespace LlmClusters.Core.Model;

/// <summary>
/// One cluster's figures, computed from the events by PostHog's definitions, with how it compares with the rest of
/// its run. With -By Model or -By Provider, one object per cluster and model (or provider).
/// </summary>
public sealed record ClusterMetrics
{
    public required string RunId { get; init; }
    public int ClusterId { get; init; }
    public required string Title { get; init; }
    public long Size { get; init; }

    /// <summary>With -By Model: the model these figures are for.</summary>
    public string? Model { get; init; }

    /// <summary>With -By Provider: the provider these figures are for.</summary>
    public string? Provider { get; init; }

    /// <summary>Items with at least one event in the run's window.</summary>
    public long ItemCount { get; init; }

    public double? TotalCost { get; init; }

    /// <summary>This cluster's part of the run's total cost, 0 to 1.</summary>
    public double? CostShare { get; init; }

    public double? AvgCost { get; init; }
    public double? P95Cost { get; init; }
    /// <summary>Mean over the items of each item's latency: its longest single event (PostHog's clusters page).</summary>
    public double? AvgLatency { get; init; }

    /// <summary>Mean over the items of the summed latency of their generations: the figure PostHog's clustering workflow stores as avg_latency.</summary>
    public double? AvgGenerationLatency { get; init; }

    public double? P50Latency { get; init; }
    public double? P95Latency { get; init; }
    public double? P99Latency { get; init; }
    public double? AvgTokens { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }
    /// <summary>Items with at least one failed event.</summary>
    public long ErrorCount { get; init; }

    /// <summary>ErrorCount over ItemCount (the seed's items_with_errors / total_items); null when no item had events.</summary>
    public double? ErrorRate { get; init; }

    /// <summary>Failed events in all (a trace can fail more than once); PostHog's newest page shows min(1, FailedEventCount / ItemCount).</summary>
    public long FailedEventCount { get; init; }

    /// <summary>This cluster's error rate divided by the rest of the run's; null when the rest has no errors.</summary>
    public double? ErrorRateLift { get; init; }

    /// <summary>Two-sided p-value that the cluster's error rate differs from the rest of the run's only by chance.</summary>
    public double? ErrorRatePValue { get; init; }

    /// <summary>How the p-value was computed: TwoProportionZ, or FisherExact for small counts.</summary>
    public string? ErrorRateTest { get; init; }

    /// <summary>
    /// The evaluations the verdict figures are over: of the cluster's traces (by $ai_trace_id) or generations (by
    /// $ai_target_event_id) from the window's start to a day after its end; on evaluation-level runs, those whose event was found.
    /// </summary>
    public long EvaluationCount { get; init; }

    /// <summary>Passed evaluations over those with a known verdict (pass, fail, n/a); null when none has one.</summary>
    public double? PassRate { get; init; }

    /// <summary>Evaluations not applicable over those with a known verdict; null when none has one.</summary>
    public double? NaRate { get; init; }

    /// <summary>Evaluation-level runs: the evaluator most of the cluster's evaluations are by.</summary>
    public string? DominantEvaluationName { get; init; }

    /// <summary>Evaluation-level runs: how most of the cluster's evaluations ran, llm_judge or hog.</summary>
    public string? DominantRuntime { get; init; }

    /// <summary>Evaluation-level runs: the mean cost of the judge's own call, over evaluations that cost more than 0.</summary>
    public double? AvgJudgeCost { get; init; }

    public string? TopModel { get; init; }
    public int ModelCount { get; init; }
    public DateTime? FirstSeen { get; init; }
    public DateTime? LastSeen { get; init; }
    public DateTime? WindowStart { get; init; }
    public DateTime? WindowEnd { get; init; }
    public required string UiUrl { get; init; }

    public override string ToString() => $"{ClusterId}: {Title}";
}
