namespace LlmClusters.Core.Queries.Rows;

/// <summary>How many items a cluster of the reference run shares with a cluster of the other (<see cref="ComparisonQueries.SharedItems"/>).</summary>
public sealed record SharedItemsRow(int ReferenceCluster, int DifferenceCluster, long Shared);
