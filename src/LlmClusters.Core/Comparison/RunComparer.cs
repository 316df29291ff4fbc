using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Comparison;

/// <summary>Reads two runs (with metrics), the items they share, and compares their clusters.</summary>
public sealed class RunComparer(LlmAnalyticsConnection connection, IQueryObserver? observer = null)
{
    private readonly ClusterReader _clusters = new(connection, observer);
    private readonly ClusterMetricsReader _metrics = new(connection, observer);
    private readonly QueryRunner _runner = connection.CreateRunner(observer);

    public async Task<IReadOnlyList<ClusterChange>> CompareAsync(ClusterRunId reference, ClusterRunId difference, ComparisonOptions options,
        CancellationToken cancellationToken)
    {
        // Before and after error rates and costs, for runs that carry no metrics too.
        var a = await _metrics.FillMetricsAsync(await _clusters.ReadClustersAsync(reference, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var b = await _metrics.FillMetricsAsync(await _clusters.ReadClustersAsync(difference, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        var rows = await _runner.ListAsync(ComparisonQueries.SharedItems(_runner.Source.Table, reference, difference, connection.TeamId), cancellationToken).ConfigureAwait(false);
        var shared = rows.ToDictionary(r => (r.ReferenceCluster, r.DifferenceCluster), r => r.Shared);
        return ClusterComparer.Compare(a, b, shared, options);
    }
}
