namespace LlmClusters.Core.Model;

/// <summary>
/// A clustering job. On ClickHouse and embedded sources it is inferred from run events (id, name, level, runs);
/// the PostHog API adds its filters, state and dates.
/// </summary>
public sealed record ClusteringJob
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public ClusterLevel? Level { get; init; }
    public string? LastRunId { get; init; }
    public DateTime? LastRunAt { get; init; }
    public long RunCount { get; init; }
    public bool? Enabled { get; init; }
    public string? EventFilters { get; init; }
    public DateTime? CreatedAt { get; init; }
    public DateTime? UpdatedAt { get; init; }

    public override string ToString() => Name;
}
