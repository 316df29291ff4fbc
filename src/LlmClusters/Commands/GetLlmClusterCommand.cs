using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Writes the clusters of a run (the newest run when none is named): the seed's step 2.</summary>
[Cmdlet(VerbsCommon.Get, "LlmCluster")]
[OutputType(typeof(LlmCluster))]
public sealed class GetLlmClusterCommand : LlmClustersCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public string? RunId { get; set; }

    [Parameter]
    [ArgumentCompleter(typeof(ClusterIdCompleter))]
    public int[]? ClusterId { get; set; }

    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[]? Title { get; set; }

    [Parameter]
    public SwitchParameter ExcludeNoise { get; set; }

    /// <summary>Without -RunId: the newest run of this level.</summary>
    [Parameter]
    [ValidateSet("trace", "generation", "evaluation")]
    public string? Level { get; set; }

    /// <summary>Skips computing metrics for runs that carry none.</summary>
    [Parameter]
    public SwitchParameter NoMetrics { get; set; }

    [Parameter]
    public LlmAnalyticsConnection? Connection { get; set; }

    protected override void ProcessRecord()
    {
        var connection = Connection ?? ConnectionRegistry.CurrentOrDefault();
        var reader = Reader(connection);
        if (RunIdOrNewest(RunId, Level, connection) is not { } runId) return;
        if (ParseRunId(runId) is not { } parsed) return;
        if (!TryAwait(token => reader.ReadClustersAsync(parsed, token), runId, out var read)) return;

        if (read.Problems.Count > 0)
            WriteWarning($"Run {runId}: some clusters could not be read cleanly; what could be read is shown. {string.Join("; ", read.Problems)}.");

        var selection = new ClusterSelection
        {
            ClusterIds = ClusterId,
            Titles = Title?.Select(t => new Wildcard(t)).ToList(),
            ExcludeNoise = ExcludeNoise,
        };
        var clusters = read.Clusters;
        // Runs without their own metrics get them from the events: one query for the whole run.
        if (!NoMetrics && TryAwait(token => new ClusterMetricsReader(connection, QueryObserver()).FillMissingAsync(read, token), runId, out var filled))
            clusters = filled.Clusters;
        foreach (var cluster in clusters.Where(selection.Matches)) WriteObject(cluster);
        foreach (var missing in ErrorMapper.ClustersNotFound(runId, selection.ClusterIds, read.Clusters)) WriteError(missing);
    }
}
