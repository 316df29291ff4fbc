namespace LlmClusters.Core.Model;

/// <summary>
/// A trace with PostHog's totals (cost and tokens over generations and embeddings, latency over generations).
/// Read one by one it holds its events; listed (a cluster's traces, recent traces) it holds only the totals.
/// </summary>
public sealed record LlmTrace
{
    public required string TraceId { get; init; }
    public string? TraceName { get; init; }
    public DateTime? StartTime { get; init; }
    public DateTime? EndTime { get; init; }
    public double TotalLatency { get; init; }
    public double TotalCost { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }

    /// <summary>Input tokens read from and written to the providers' prompt caches, over generations and embeddings.</summary>
    public long CacheReadTokens { get; init; }
    public long CacheWriteTokens { get; init; }

    /// <summary>
    /// Failures in the trace, each counted once: a step or root flagged only because a step under it failed (as
    /// LangChain flags every run an error passes through) is not a second failure.
    /// </summary>
    public long ErrorCount { get; init; }
    public long EventCount { get; init; }
    public NameList Models { get; init; } = NameList.Empty;
    public NameList Providers { get; init; } = NameList.Empty;
    public TraceEventList Events { get; init; } = TraceEventList.Empty;
    public required string UiUrl { get; init; }

    /// <summary>When listed from a cluster: the run, the cluster and the trace's rank in it.</summary>
    public string? RunId { get; init; }
    public int? ClusterId { get; init; }
    public int? Rank { get; init; }

    /// <summary>The newest summary PostHog wrote of the trace ($ai_trace_summary) among its events' bounds; null when none.</summary>
    public TraceSummary? Summary { get; init; }

    /// <summary>
    /// The trace's prompts and answers are gone: neither events nor ai_events holds them (PostHog keeps them in
    /// ai_events for 30 days by default, and no longer in events). Only a trace read whole can say so.
    /// </summary>
    public bool ContentExpired { get; init; }

    public override string ToString() => TraceId;
}
