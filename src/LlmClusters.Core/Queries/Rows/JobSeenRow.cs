using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries.Rows;

/// <summary>One job of <see cref="ClusterQueries.JobsSeenOnRuns"/>: what its newest run says of it, and how often it ran.</summary>
public sealed record JobSeenRow(string JobId, string Name, ClusterLevel? Level, string? LastRunId, DateTime? LastRunAt, long RunCount);
