namespace LlmClusters.Core.Clustering;

/// <summary>
/// k-means (Lloyd's iterations from k-means++ seeds, the best of a few seeded starts), and the choice of k by the
/// silhouette, as PostHog's k-means method chooses it. Written here: MathNet has no clustering, and ML.NET's trainer
/// is not seeded per start the way a repeatable run needs. Labels are 0.. by cluster size, largest first.
/// </summary>
public static class KMeans
{
    public static int[] Cluster(IReadOnlyList<double[]> points, int k, int seed, int starts = 4, int maxIterations = 100)
    {
        var n = points.Count;
        if (n == 0) return [];
        k = Math.Clamp(k, 1, n);
        int[]? best = null;
        var bestInertia = double.PositiveInfinity;
        for (var start = 0; start < starts; start++)
        {
            var (labels, inertia) = Lloyd(points, Seeds(points, k, new Random(unchecked(seed * 7919 + start))), maxIterations);
            if (inertia < bestInertia) (best, bestInertia) = (labels, inertia);
        }
        return ClusterLabels.BySize(best!);
    }

    /// <summary>The k between <paramref name="minK"/> and <paramref name="maxK"/> whose clusters have the best mean silhouette, with its labels.</summary>
    public static (int K, int[] Labels, double Silhouette) ChooseK(IReadOnlyList<double[]> points, int minK, int maxK, int seed)
    {
        var upper = Math.Min(maxK, points.Count - 1);
        var lower = Math.Clamp(minK, 2, Math.Max(2, upper));
        (int K, int[] Labels, double Silhouette) best = (1, new int[points.Count], double.NegativeInfinity);
        for (var k = lower; k <= upper; k++)
        {
            var labels = Cluster(points, k, seed);
            var score = Silhouette.Score(points, labels);
            if (score > best.Silhouette) best = (k, labels, score);
        }
        return best.Silhouette == double.NegativeInfinity ? (1, new int[points.Count], 0) : best;
    }

    private static double[][] Seeds(IReadOnlyList<double[]> points, int k, Random random)
    {
        var seeds = new List<double[]> { points[random.Next(points.Count)] };
        var nearest = points.Select(p => Vectors.SquaredDistance(p, seeds[0])).ToArray();
        while (seeds.Count < k)
        {
            var total = nearest.Sum();
            var pick = points.Count - 1;
            if (total > 0)
            {
                var target = random.NextDouble() * total;
                for (var i = 0; i < points.Count; i++)
                {
                    target -= nearest[i];
                    if (target <= 0) { pick = i; break; }
                }
            }
            else pick = random.Next(points.Count);
            seeds.Add(points[pick]);
            for (var i = 0; i < points.Count; i++) nearest[i] = Math.Min(nearest[i], Vectors.SquaredDistance(points[i], points[pick]));
        }
        return seeds.Select(s => (double[])s.Clone()).ToArray();
    }

    private static (int[] Labels, double Inertia) Lloyd(IReadOnlyList<double[]> points, double[][] centroids, int maxIterations)
    {
        var n = points.Count;
        var d = points[0].Length;
        var labels = Enumerable.Repeat(-1, n).ToArray();
        for (var iteration = 0; iteration < maxIterations; iteration++)
        {
            var changed = false;
            for (var i = 0; i < n; i++)
            {
                var nearest = Nearest(points[i], centroids);
                if (nearest != labels[i]) { labels[i] = nearest; changed = true; }
            }
            if (!changed) break;
            var sums = new double[centroids.Length][];
            var counts = new int[centroids.Length];
            for (var c = 0; c < centroids.Length; c++) sums[c] = new double[d];
            for (var i = 0; i < n; i++)
            {
                counts[labels[i]]++;
                for (var j = 0; j < d; j++) sums[labels[i]][j] += points[i][j];
            }
            for (var c = 0; c < centroids.Length; c++)
                if (counts[c] > 0) centroids[c] = sums[c].Select(v => v / counts[c]).ToArray();
        }
        var inertia = 0.0;
        for (var i = 0; i < n; i++) inertia += Vectors.SquaredDistance(points[i], centroids[labels[i]]);
        return (labels, inertia);
    }

    private static int Nearest(double[] point, double[][] centroids)
    {
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var c = 0; c < centroids.Length; c++)
        {
            var distance = Vectors.SquaredDistance(point, centroids[c]);
            if (distance < bestDistance) (best, bestDistance) = (c, distance);
        }
        return best;
    }
}
