namespace LlmClusters.Core.Queries.Rows;

/// <summary>One run of <see cref="ClusterQueries.ListRuns"/>: its fields, how many clusters it has and how many items are noise.</summary>
public sealed record RunListRow(RunFieldsRow Run, int ClusterCount, long NoiseSize);
