using System.Management.Automation;
using LlmClusters.Core.Model;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Writes the items (traces or generations) of clusters by rank: "What's in this cluster?"</summary>
[Cmdlet(VerbsCommon.Get, "ClusterItem")]
[OutputType(typeof(ClusterItem))]
public sealed class GetClusterItemCommand : ClusterBatchCmdlet
{
    /// <summary>The most representative items only: the first N by rank in each cluster.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    protected override void Flush(string runId, IReadOnlyList<int>? clusterIds)
    {
        if (ParseRunId(runId) is not { } parsed) return;

        var reader = Reader();
        if (!TryAwait(token => reader.ReadItemsAsync(parsed, clusterIds, Top, token), runId, out var items)) return;
        foreach (var item in items) WriteObject(item);
        // Tell an unknown run from an unknown cluster from an empty one, for every cluster asked for that gave no item.
        if (items.Count > 0 && (clusterIds is null || clusterIds.All(id => items.Any(i => i.ClusterId == id)))) return;
        if (!TryAwait(token => reader.ReadClustersAsync(parsed, token), runId, out var read)) return;
        foreach (var missing in ErrorMapper.ClustersNotFound(runId, clusterIds, read.Clusters)) WriteError(missing);
    }
}
