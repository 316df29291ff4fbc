using System.Management.Automation;
using LlmClusters.Core.Model;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Writes the items (traces or generations) of clusters by rank: "What's in this cluster?"</summary>
[Cmdlet(VerbsCommon.Get, "ClusterItem")]
[OutputType(typeof(ClusterItem))]
public sealed class GetClusterItemCommand : EvaluationFilteredCmdlet
{
    /// <summary>The most representative items only: the first N by rank in each cluster.</summary>
    [Parameter]
    [ValidateRange(1, int.MaxValue)]
    public int? Top { get; set; }

    protected override void Flush(ClusterRunId runId, IReadOnlyList<int>? clusterIds)
    {
        var reader = Reader();
        var filter = EvaluationFilter;
        // Filtered, the first N by rank are of the matching items, so every item is read before the N are taken.
        if (!TryAwait(token => reader.ReadItemsAsync(runId, clusterIds, filter.IsEmpty ? Top : null, token, withSummaries: true), runId.RunId, out var items)) return;
        if (items.Count > 0 && !FilterApplies(runId.RunId, items[0].Level)) return;
        if (!filter.IsEmpty)
        {
            var matching = items.Where(filter.Matches).GroupBy(i => i.ClusterId).SelectMany(g => Top is { } top ? g.Take(top) : g).ToList();
            foreach (var item in matching) WriteObject(item);
            return;
        }
        foreach (var item in items) WriteObject(item);
        if (items.Count(i => i.Summary?.HadUnreadable == true) is var unreadable and > 0)
            Warn($"Run {runId}: {unreadable} item summar{(unreadable == 1 ? "y has" : "ies have")} bullets or notes that are neither text nor objects with a text; those were left out.");
        // Tell an unknown run from an unknown cluster from an empty one, for every cluster asked for that gave no item.
        if (items.Count > 0 && (clusterIds is null || clusterIds.All(id => items.Any(i => i.ClusterId == id)))) return;
        if (!TryAwait(token => reader.ReadClustersAsync(runId, token), runId.RunId, out var read)) return;
        foreach (var missing in ErrorMapper.ClustersNotFound(runId.RunId, clusterIds, read.Clusters)) WriteError(missing);
    }
}
