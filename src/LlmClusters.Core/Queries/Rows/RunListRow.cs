namespace LlmClusters.Core.Queries.Rows;

/// <summary>
/// One run of <see cref="ClusterQueries.ListRuns"/>: its fields, how many clusters it has, how many items are noise,
/// how many the largest other cluster holds and how many the run holds in all.
/// </summary>
public sealed record RunListRow(RunFieldsRow Run, int ClusterCount, long NoiseSize, long LargestSize, long ItemTotal);
