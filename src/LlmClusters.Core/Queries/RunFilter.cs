using LlmClusters.Core.Model;
namespace LlmClusters.Core.Queries;

/// <summary>Which runs to list. Times are UTC; the window is always bounded, as every query on events must be.</summary>
public sealed record RunFilter
{
    public required DateTime Since { get; init; }
    public required DateTime Until { get; init; }
    public ClusterLevel? Level { get; init; }
    public IReadOnlyCollection<string>? RunIds { get; init; }
    public IReadOnlyCollection<string>? JobIds { get; init; }

    /// <summary>A job name or PowerShell wildcard, matched as PowerShell matches names (any letter case).</summary>
    public string? JobName { get; init; }

    public long? TeamId { get; init; }
    public long First { get; init; } = 100;
}
