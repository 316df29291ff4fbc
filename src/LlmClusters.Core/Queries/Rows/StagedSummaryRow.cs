namespace LlmClusters.Core.Queries.Rows;

/// <summary>What <see cref="ImportQueries.StagedSummary"/> found in a staged file; the first-row numbers are null when nothing lacks that field.</summary>
public sealed record StagedSummaryRow(long Staged, long Fresh)
{
    public long WithoutUuid { get; init; }
    public long? FirstWithoutUuid { get; init; }
    public long WithoutTimestamp { get; init; }
    public long? FirstWithoutTimestamp { get; init; }
    public long WithoutTeam { get; init; }
    public IReadOnlyList<long> Teams { get; init; } = [];
}
