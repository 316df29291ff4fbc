using System.Globalization;
using System.Management.Automation;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Writes the clusters of a run (the newest run when none is named): the seed's step 2.</summary>
[Cmdlet(VerbsCommon.Get, "LlmCluster")]
[OutputType(typeof(LlmCluster))]
public sealed class GetLlmClusterCommand : EvaluationFilteredCmdlet
{
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Title { get; set; }

    [Parameter]
    public SwitchParameter ExcludeNoise { get; set; }

    /// <summary>Without -RunId: the newest run of this level.</summary>
    [Parameter]
    public ClusterLevel? Level { get; set; }

    /// <summary>Skips computing metrics for runs that carry none.</summary>
    [Parameter]
    public SwitchParameter NoMetrics { get; set; }

    protected override ClusterLevel? NewestOfLevel => Level;

    protected override void Flush(ClusterRunId runId, IReadOnlyList<int>? clusterIds)
    {
        if (!TryAwait(token => Reader().ReadClustersAsync(runId, token), runId.RunId, out var read)) return;
        if (!FilterApplies(runId.RunId, read.Run.Level)) return;

        if (read.Problems.Count > 0)
            Warn($"Run {runId} is not as PostHog writes it: {string.Join("; ", read.Problems)}. What could be read is shown.");
        if (read.Run.Collapsed)
            Warn(string.Create(CultureInfo.InvariantCulture, $"Run {runId} collapsed: its largest cluster holds {read.Run.LargestClusterShare * 100:0}% of the items, more than the ") +
                 string.Create(CultureInfo.InvariantCulture, $"{(read.Run.Params?.MaxClusterSizeFraction ?? ClusterRun.DefaultMaxClusterSizeFraction) * 100:0}% a cluster may hold, so its clusters say little about the kinds of usage. ") +
                 "Read another run (Get-ClusterRun | Where-Object { -not $_.Collapsed }), or cluster the window again with Invoke-LlmClustering, which caps clusters (-MaxClusterSizeFraction).");

        var selection = new ClusterSelection
        {
            ClusterIds = clusterIds,
            Titles = Title?.Select(t => new Wildcard(t)).ToList(),
            ExcludeNoise = ExcludeNoise,
        };
        var clusters = read.Clusters;
        // Runs without their own metrics get them from the events: one query for the whole run.
        if (!NoMetrics && TryAwait(token => new ClusterMetricsReader(ActiveConnection, QueryObserver()).FillMetricsAsync(read, token), runId.RunId, out var filled))
            clusters = filled.Clusters;
        // Filtered by verdict or evaluator, each cluster's size is its matching evaluations, and empty clusters go.
        var filter = EvaluationFilter;
        if (!filter.IsEmpty)
        {
            if (!TryAwait(token => Reader().FilterByEvaluationsAsync(read with { Clusters = clusters }, filter, token), runId.RunId, out var filtered)) return;
            clusters = filtered.Clusters;
        }
        foreach (var cluster in clusters.Where(selection.Matches)) WriteObject(cluster);
        foreach (var missing in ErrorMapper.ClustersNotFound(runId.RunId, selection.ClusterIds, read.Clusters)) WriteError(missing);
    }
}
