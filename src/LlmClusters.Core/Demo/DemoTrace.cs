using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Demo;

/// <summary>A generated trace: its kind of traffic (the ground truth for clustering) and its events.</summary>
public sealed record DemoTrace(string TraceId, DemoTrafficKind Kind, DateTime Start, IReadOnlyList<DemoEvent> Events)
{
    /// <summary>The title of the summary PostHog's summarizer wrote of it; null when it was not summarized.</summary>
    public string? SummaryTitle { get; init; }

    /// <summary>The summary events as inserted ($ai_trace_summary, and $ai_generation_summary of its first generation).</summary>
    public IReadOnlyList<string> SummaryRows { get; init; } = [];

    /// <summary>How many summary events were written of it (kept when a streamed trace lets its rows go).</summary>
    public int SummaryCount { get; init; }

    /// <summary>The evaluations PostHog's evaluators wrote of its generations (kept when a streamed trace lets its rows go).</summary>
    public IReadOnlyList<DemoEvaluation> Evaluations { get; init; } = [];

    /// <summary>The $ai_evaluation events as inserted.</summary>
    public IReadOnlyList<string> EvaluationRows { get; init; } = [];

    /// <summary>Where its content is written: split as today's PostHog writes, whole in events (before the split), or gone.</summary>
    public ContentPlacement Content { get; init; }
}
