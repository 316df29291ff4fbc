namespace LlmClusters.Core.Clustering;

/// <summary>What a local clustering run wrote: the run id, its sizes, and how long each step took.</summary>
public sealed record LocalClusteringResult(string RunId, int ItemCount, int ClusterCount, int NoiseCount, IReadOnlyDictionary<ClusteringStage, TimeSpan> Timings)
{
    /// <summary>The run event's row as written.</summary>
    public required string EventRow { get; init; }

    /// <summary>Whether PostHog's summaries were embedded (else the items' content, or an evaluation's verdict).</summary>
    public bool EmbeddedSummaries { get; init; }
}
