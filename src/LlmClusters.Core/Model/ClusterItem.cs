namespace LlmClusters.Core.Model;

/// <summary>
/// One item of a cluster: a trace (trace-level runs), a generation event (generation-level runs) or an evaluation event
/// (evaluation-level runs, whose GenerationId and TraceId are the generation it judged and that generation's trace).
/// </summary>
public sealed record ClusterItem
{
    public required string RunId { get; init; }
    public int ClusterId { get; init; }

    /// <summary>The key in the cluster's traces map: the trace id, or the generation's or evaluation's event uuid.</summary>
    public required string ItemId { get; init; }

    public string? TraceId { get; init; }
    public string? GenerationId { get; init; }
    public int? Rank { get; init; }
    public double? DistanceToCentroid { get; init; }
    public double? X { get; init; }
    public double? Y { get; init; }
    public DateTime? Timestamp { get; init; }
    public required ClusterLevel Level { get; init; }
    public DateTime? WindowStart { get; init; }
    public DateTime? WindowEnd { get; init; }
    /// <summary>The item's trace in PostHog; null when the run does not say which trace the item belongs to.</summary>
    public string? UiUrl { get; init; }

    /// <summary>The title of the item's newest summary in the run's window (why it is in its cluster); null when it has none.</summary>
    public string? SummaryTitle { get; init; }

    /// <summary>The item's newest summary in the run's window, as PostHog's clusters page shows it; null when it has none.</summary>
    public TraceSummary? Summary { get; init; }

    /// <summary>Evaluation-level runs: the $ai_evaluation event's uuid (the item).</summary>
    public string? EvaluationId { get; init; }

    /// <summary>Evaluation-level runs: the evaluator's id in PostHog ($ai_evaluation_id).</summary>
    public string? EvaluatorId { get; init; }

    /// <summary>Evaluation-level runs: the evaluator's name.</summary>
    public string? EvaluationName { get; init; }

    /// <summary>Evaluation-level runs: pass, fail, n/a or unknown, by PostHog's precedence; null when the evaluation event is gone.</summary>
    public string? Verdict { get; init; }

    /// <summary>Evaluation-level runs: the judge's explanation.</summary>
    public string? Reasoning { get; init; }

    /// <summary>Evaluation-level runs: how the evaluation ran, llm_judge or hog.</summary>
    public string? Runtime { get; init; }

    /// <summary>Evaluation-level runs: what the judge's own call cost (llm_judge only).</summary>
    public double? JudgeCost { get; init; }

    public override string ToString() => ItemId;
}
