namespace LlmClusters.Core.Traces;

/// <summary>
/// A trace to read and the time bounds to look for its events in (UTC); with the team of the run it was reached from,
/// when it was, for its link.
/// </summary>
public sealed record TraceRequest(string TraceId, DateTime Since, DateTime Until, long? Team = null);
