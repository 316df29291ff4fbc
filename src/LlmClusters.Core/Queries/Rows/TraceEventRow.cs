using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries.Rows;

/// <summary>One event of <see cref="TraceQueries.TraceEvents"/>, with the trace it belongs to, its team and the trace's name where the event names it.</summary>
public sealed record TraceEventRow(string TraceId, long? Team, string? TraceName, TraceEvent Event);
