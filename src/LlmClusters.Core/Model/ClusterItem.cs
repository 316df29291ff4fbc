namespace LlmClusters.Core.Model;

/// <summary>One item of a cluster: a trace (trace-level runs) or a generation event (generation-level runs).</summary>
public sealed record ClusterItem
{
    public required string RunId { get; init; }
    public int ClusterId { get; init; }

    /// <summary>The key in the cluster's traces map: the trace id, or the generation event's uuid.</summary>
    public required string ItemId { get; init; }

    public string? TraceId { get; init; }
    public string? GenerationId { get; init; }
    public int? Rank { get; init; }
    public double? DistanceToCentroid { get; init; }
    public double? X { get; init; }
    public double? Y { get; init; }
    public DateTime? Timestamp { get; init; }
    public required ClusterLevel Level { get; init; }
    public DateTime? WindowStart { get; init; }
    public DateTime? WindowEnd { get; init; }
    /// <summary>The item's trace in PostHog; null when the run does not say which trace the item belongs to.</summary>
    public string? UiUrl { get; init; }

    /// <summary>The title of the item's newest summary in the run's window (why it is in its cluster); null when it has none.</summary>
    public string? SummaryTitle { get; init; }

    /// <summary>The item's newest summary in the run's window, as PostHog's clusters page shows it; null when it has none.</summary>
    public TraceSummary? Summary { get; init; }

    public override string ToString() => ItemId;
}
