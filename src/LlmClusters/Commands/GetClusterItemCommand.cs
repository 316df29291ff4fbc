using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Model;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Writes the items (traces or generations) of clusters by rank: "What's in this cluster?"</summary>
[Cmdlet(VerbsCommon.Get, "ClusterItem")]
[OutputType(typeof(ClusterItem))]
public sealed class GetClusterItemCommand : ClusterBatchCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public string? RunId { get; set; }

    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(ClusterIdCompleter))]
    public int[]? ClusterId { get; set; }

    /// <summary>The most representative items only: the first N by rank in each cluster.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    [Parameter]
    public LlmAnalyticsConnection? Connection { get; set; }

    protected override string? BatchRunId => RunId;
    protected override int[]? BatchClusterIds => ClusterId;
    protected override LlmAnalyticsConnection? BatchConnection => Connection;

    protected override void Flush(string runId, IReadOnlyList<int>? clusterIds)
    {
        if (ParseRunId(runId) is not { } parsed) return;

        var reader = Reader(Connection);
        if (!TryAwait(token => reader.ReadItemsAsync(parsed, clusterIds, Top, token), runId, out var items)) return;
        if (items.Count == 0)
        {
            // Tell an unknown run from an unknown cluster from an empty one.
            if (!TryAwait(token => reader.ReadClustersAsync(parsed, token), runId, out var read)) return;
            foreach (var missing in ErrorMapper.ClustersNotFound(runId, clusterIds, read.Clusters)) WriteError(missing);
            return;
        }
        foreach (var item in items) WriteObject(item);
    }
}
