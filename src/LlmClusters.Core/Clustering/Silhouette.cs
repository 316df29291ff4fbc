namespace LlmClusters.Core.Clustering;

/// <summary>The mean silhouette of a clustering (Rousseeuw 1987), noise left out: near 1 when clusters are tight and apart.</summary>
public static class Silhouette
{
    public static double Score(IReadOnlyList<double[]> points, IReadOnlyList<int> labels)
    {
        var members = Enumerable.Range(0, points.Count).Where(i => labels[i] >= 0).ToList();
        var clusters = members.Select(i => labels[i]).Distinct().ToList();
        if (clusters.Count < 2) return 0;
        var sizes = members.GroupBy(i => labels[i]).ToDictionary(g => g.Key, g => g.Count());
        var total = 0.0;
        foreach (var i in members)
        {
            var sums = clusters.ToDictionary(c => c, _ => 0.0);
            foreach (var j in members)
                if (j != i) sums[labels[j]] += Vectors.Distance(points[i], points[j]);
            var own = labels[i];
            if (sizes[own] == 1) continue; // a lone point scores 0
            var a = sums[own] / (sizes[own] - 1);
            var b = clusters.Where(c => c != own).Min(c => sums[c] / sizes[c]);
            total += (b - a) / Math.Max(a, b);
        }
        return total / members.Count;
    }
}
