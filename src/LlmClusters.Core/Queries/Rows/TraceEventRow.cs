using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries.Rows;

/// <summary>
/// One event of <see cref="TraceQueries.TraceEvents"/>, with the trace it belongs to, its team and the trace's name where
/// the event names it; for a summary of the trace ($ai_trace_summary), the summary.
/// </summary>
public sealed record TraceEventRow(string TraceId, long? Team, string? TraceName, TraceEvent Event)
{
    public TraceSummary? Summary { get; init; }
}
