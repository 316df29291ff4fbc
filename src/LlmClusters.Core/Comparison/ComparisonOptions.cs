namespace LlmClusters.Core.Comparison;

/// <summary>The thresholds of a comparison (documented defaults in Compare-ClusterRun's help).</summary>
public sealed record ComparisonOptions
{
    /// <summary>Pairs scoring below this are not the same cluster: one vanished and one is new.</summary>
    public double MatchThreshold { get; init; } = 0.35;

    /// <summary>A matched cluster whose share of its run changed by at least this fraction grew or shrank.</summary>
    public double GrowthThreshold { get; init; } = 0.2;

    /// <summary>With shared items, how much member overlap, title and description weigh in a match.</summary>
    public (double Members, double Title, double Description) WeightsWithOverlap { get; init; } = (0.6, 0.25, 0.15);

    /// <summary>Without shared items (runs over windows that do not overlap): how much title and description weigh.</summary>
    public (double Title, double Description) WeightsWithoutOverlap { get; init; } = (0.7, 0.3);
}
