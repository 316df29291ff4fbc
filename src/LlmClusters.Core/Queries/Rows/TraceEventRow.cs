using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries.Rows;

/// <summary>
/// One event of <see cref="TraceQueries.TraceEvents"/>, with the trace it belongs to, its team and the trace's name where
/// the event names it; for a summary of the trace ($ai_trace_summary), the summary.
/// </summary>
public sealed record TraceEventRow(string TraceId, long? Team, string? TraceName, TraceEvent Event)
{
    public TraceSummary? Summary { get; init; }

    /// <summary>The source's ai_events has a row for the event (its content, if it had any, is there).</summary>
    public bool ContentRow { get; init; }

    /// <summary>An input or output was found, in ai_events or in the event's properties.</summary>
    public bool HasContent { get; init; }

    /// <summary>The input or output found is not valid JSON (shown as its raw text).</summary>
    public bool MalformedContent { get; init; }
}
