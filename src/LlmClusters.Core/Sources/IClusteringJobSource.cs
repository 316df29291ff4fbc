using LlmClusters.Core.Model;

namespace LlmClusters.Core.Sources;

/// <summary>A source that knows the clustering jobs themselves (PostHog's API), not only the runs they wrote.</summary>
public interface IClusteringJobSource
{
    Task<IReadOnlyList<ClusteringJob>> ListJobsAsync(CancellationToken cancellationToken);
}
