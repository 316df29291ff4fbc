using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries.Rows;

/// <summary>One item of <see cref="ClusterQueries.ClusterItems"/>, as its run stores it (old runs store no trace or generation id).</summary>
public sealed record ClusterItemRow(ClusterLevel Level, DateTime? WindowStart, DateTime? WindowEnd, int ClusterId, string ItemId, string? TraceId,
    string? GenerationId, int? Rank, double? DistanceToCentroid, double? X, double? Y, DateTime? Timestamp);
