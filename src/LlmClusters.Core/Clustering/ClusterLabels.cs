namespace LlmClusters.Core.Clustering;

/// <summary>Cluster labels as the module writes them: 0.. by size, and -1 for noise.</summary>
public static class ClusterLabels
{
    /// <summary>Renumbers labels 0.. by cluster size, largest first (ties: the cluster of the earliest point first); -1 stays noise.</summary>
    public static int[] BySize(int[] labels)
    {
        var order = labels.Select((label, index) => (label, index)).Where(p => p.label >= 0).GroupBy(p => p.label)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Min(p => p.index))
            .Select((g, i) => (g.Key, i)).ToDictionary(x => x.Key, x => x.i);
        return labels.Select(l => l < 0 ? -1 : order[l]).ToArray();
    }
}
