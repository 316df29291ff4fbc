namespace LlmClusters.Core.Model;

/// <summary>How one cluster changed from a reference run to a later (difference) run.</summary>
public sealed record ClusterChange
{
    /// <summary>Stable, Grown, Shrunk, New (only in the difference run) or Vanished (only in the reference run).</summary>
    public required string Status { get; init; }

    public required string ReferenceRunId { get; init; }
    public required string DifferenceRunId { get; init; }
    public int? ReferenceClusterId { get; init; }
    public int? DifferenceClusterId { get; init; }
    public string? ReferenceTitle { get; init; }
    public string? DifferenceTitle { get; init; }
    public long? ReferenceSize { get; init; }
    public long? DifferenceSize { get; init; }
    public long? SizeDelta { get; init; }
    public double? SizeDeltaPercent { get; init; }

    /// <summary>Shared items over the items of both clusters (Jaccard), when the two runs share any items at all.</summary>
    public double? MemberOverlap { get; init; }

    public double? TitleSimilarity { get; init; }
    public double? DescriptionSimilarity { get; init; }

    /// <summary>The score the match was made on, 0 to 1.</summary>
    public double? MatchScore { get; init; }

    public double? ReferenceErrorRate { get; init; }
    public double? DifferenceErrorRate { get; init; }
    public double? ReferenceAvgCost { get; init; }
    public double? DifferenceAvgCost { get; init; }

    public override string ToString() => $"{Status}: {DifferenceTitle ?? ReferenceTitle}";
}
