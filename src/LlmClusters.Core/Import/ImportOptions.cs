namespace LlmClusters.Core.Import;

/// <summary>How to fill what an export may leave out.</summary>
public sealed record ImportOptions
{
    /// <summary>Give events without a uuid one made from their content, instead of refusing the file.</summary>
    public bool DeriveMissingUuid { get; init; }

    /// <summary>The team of events that name none (PostHog's S3 batch export writes no team_id by default); null leaves them at team 0.</summary>
    public long? TeamId { get; init; }
}
