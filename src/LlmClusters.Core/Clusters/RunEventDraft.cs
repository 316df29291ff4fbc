using LlmClusters.Core.Model;
using System.Text.Json;

namespace LlmClusters.Core.Clusters;

/// <summary>Everything a clustering-run event holds, before it is written in PostHog's format.</summary>
public sealed record RunEventDraft
{
    public required string RunId { get; init; }
    public required ClusterLevel Level { get; init; }
    public string? JobId { get; init; }
    public string? JobName { get; init; }
    public required DateTime WindowStart { get; init; }
    public required DateTime WindowEnd { get; init; }
    public required int TotalItems { get; init; }
    public required IReadOnlyList<RunEventCluster> Clusters { get; init; }

    /// <summary>Writes the members of $ai_clustering_params; none are written when null.</summary>
    public Action<Utf8JsonWriter>? WriteParams { get; init; }

    /// <summary>The old form: no level, job or params, $ai_total_traces_analyzed, times with Z and items without ids.</summary>
    public bool Legacy { get; init; }
}
