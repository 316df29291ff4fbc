using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Clusters;
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

    [Parameter]
    public LlmAnalyticsConnection? Connection { get; set; }

    protected override void ProcessRecord()
    {
        var connection = Connection ?? ConnectionRegistry.CurrentOrDefault();
        var reader = Reader(connection);
        var runId = RunId;
        if (runId is null)
        {
            var newest = Await(token => reader.NewestRunAsync(Level, DateTime.UtcNow, token), connection.Location);
            if (newest is null)
            {
                WriteError(ErrorMapper.Record(new InvalidOperationException("No clustering runs."), "NoClusterRuns", ErrorCategory.ObjectNotFound, connection.Location,
                    $"There is no {(Level is null ? "" : Level + "-level ")}clustering run in the last year on {connection.Location}. Load data first (Connect-LlmAnalytics -Demo), or name a run with -RunId."));
                return;
            }
            runId = newest.RunId;
            WriteVerbose($"Reading the newest run, {runId}.");
        }
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
        foreach (var cluster in read.Clusters.Where(selection.Matches)) WriteObject(cluster);
        foreach (var missing in selection.MissingIds(read.Clusters))
            WriteError(ErrorMapper.Record(new ItemNotFoundException($"Cluster {missing} not found."), "ClusterNotFound", ErrorCategory.ObjectNotFound, missing,
                $"Run {runId} has no cluster {missing}. Its clusters are: {string.Join(", ", read.Clusters.Select(c => c.ClusterId))}."));
    }
}
