using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries.Rows;

/// <summary>What every query of run events reads of a run: its identity, job, window, size and parameters. RunId is empty for an event that cannot be read.</summary>
public sealed record RunFieldsRow(string RunId, long? TeamId, ClusterLevel Level, string? JobId, string? JobName, DateTime? WindowStart, DateTime? WindowEnd,
    long? TotalItems, string? ParamsJson, DateTime Timestamp);
