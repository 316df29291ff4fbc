using System.Management.Automation;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Computes cluster metrics from the events, in the database: which cluster costs most, is slowest, fails most.</summary>
[Cmdlet(VerbsDiagnostic.Measure, "ClusterMetrics", DefaultParameterSetName = ClusterSet)]
[OutputType(typeof(ClusterMetrics), ParameterSetName = [ClusterSet])]
[OutputType(typeof(ClusterItemMetrics), ParameterSetName = [ItemSet])]
public sealed class MeasureClusterMetricsCommand : ClusterBatchCmdlet
{
    private const string ClusterSet = "Cluster";
    private const string ItemSet = "PerItem";

    /// <summary>Splits each cluster's figures by the model or the provider of its generations.</summary>
    [Parameter(ParameterSetName = ClusterSet)]
    public MetricsDimension By { get; set; } = MetricsDimension.None;

    /// <summary>One object per item instead of per cluster.</summary>
    [Parameter(ParameterSetName = ItemSet, Mandatory = true)]
    public SwitchParameter PerItem { get; set; }

    protected override void Flush(ClusterRunId runId, IReadOnlyList<int>? clusterIds)
    {
        var connection = ActiveConnection;
        if (!TryAwait(token => Reader().ReadClustersAsync(runId, token), runId.RunId, out var run)) return;
        foreach (var missing in ErrorMapper.ClustersNotFound(runId.RunId, clusterIds, run.Clusters)) WriteError(missing);

        var metrics = new ClusterMetricsReader(connection, QueryObserver());
        if (PerItem)
        {
            if (!TryAwait(token => metrics.MeasureItemsAsync(run, clusterIds, token), runId.RunId, out var items)) return;
            foreach (var item in items) WriteObject(item);
            return;
        }
        if (!TryAwait(token => metrics.MeasureAsync(run, By, token), runId.RunId, out var measured)) return;
        foreach (var cluster in measured.Where(m => clusterIds is null || clusterIds.Contains(m.ClusterId))) WriteObject(cluster);
    }
}
