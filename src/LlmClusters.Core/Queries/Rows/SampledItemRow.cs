namespace LlmClusters.Core.Queries.Rows;

/// <summary>One item drawn by <see cref="ClusteringQueries.SampleItems"/>: the item, its trace, when it was first seen and its team.</summary>
public sealed record SampledItemRow(string Item, string TraceId, DateTime? FirstSeen, long? Team);
