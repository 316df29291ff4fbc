namespace LlmClusters.Core.Demo;

/// <summary>
/// One generated event: the row as it is inserted, plus the figures PostHog's metric definitions read from it,
/// so that generated cluster metrics and tests can be checked against what the SQL computes.
/// </summary>
public sealed record DemoEvent(
    Guid Uuid,
    string Event,
    DateTime Timestamp,
    string TraceId,
    string? Model,
    double Cost,
    double Latency,
    long InputTokens,
    long OutputTokens,
    bool IsError,
    string JsonRow);
