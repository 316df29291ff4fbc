namespace LlmClusters.Core.Traces;

/// <summary>A trace to read and the time bounds to look for its events in (UTC).</summary>
public sealed record TraceRequest(string TraceId, DateTime Since, DateTime Until);
