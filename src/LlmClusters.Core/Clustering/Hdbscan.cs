namespace LlmClusters.Core.Clustering;

/// <summary>
/// HDBSCAN (Campello, Moulavi and Sander 2013; the steps of the hdbscan library), written here because no served
/// package provides it: core distances, the minimum spanning tree of mutual reachability distances (Prim's, on the
/// fly, so memory stays linear), the single-linkage hierarchy, the tree condensed by the minimum cluster size, and
/// the clusters of excess of mass (the root is never one of them). Ties are broken by point order, so the same
/// points give the same labels. Labels are 0.. by cluster size, largest first; noise is -1.
/// A cluster larger than <c>maxClusterSize</c> is never selected, as the library's max_cluster_size does and PostHog
/// passes it (since September 2026, because excess of mass can stop just below the root and return one cluster that
/// holds most of the sample): selection descends into its children, and its points that fit none are noise.
/// </summary>
public static class Hdbscan
{
    public static int[] Cluster(IReadOnlyList<double[]> points, int minClusterSize, int? minSamples = null, int? maxClusterSize = null)
    {
        var n = points.Count;
        var labels = Enumerable.Repeat(-1, n).ToArray();
        if (n < 2 || minClusterSize < 2 || n < minClusterSize) return labels;

        var core = CoreDistances(points, Math.Clamp(minSamples ?? minClusterSize, 1, n));
        var edges = SpanningTree(points, core);
        var (left, right, height, size) = SingleLinkage(n, edges);
        var tree = Condense(n, left, right, height, size, minClusterSize);
        var selected = SelectClusters(tree, n, maxClusterSize);
        if (selected.Count == 0) return labels;

        // A point belongs to the selected cluster it (or a cluster it fell out of) descends from.
        var parentOf = tree.Where(e => e.Child >= n).ToDictionary(e => e.Child - n, e => e.Parent);
        var pointLabels = new Dictionary<int, int>();
        foreach (var entry in tree.Where(e => e.Child < n))
        {
            var cluster = entry.Parent;
            while (!selected.Contains(cluster) && parentOf.TryGetValue(cluster, out var up)) cluster = up;
            if (selected.Contains(cluster)) pointLabels[entry.Child] = cluster;
        }
        foreach (var (point, cluster) in pointLabels) labels[point] = cluster;
        return ClusterLabels.BySize(labels);
    }

    /// <summary>Each point's distance to its k-th nearest neighbour, counting itself (as the hdbscan library does).</summary>
    internal static double[] CoreDistances(IReadOnlyList<double[]> points, int k)
    {
        var n = points.Count;
        var core = new double[n];
        var row = new double[n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++) row[j] = Vectors.Distance(points[i], points[j]);
            Array.Sort(row);
            core[i] = row[k - 1];
        }
        return core;
    }

    /// <summary>Prim's minimum spanning tree over the complete graph of mutual reachability distances.</summary>
    internal static List<(int A, int B, double Weight)> SpanningTree(IReadOnlyList<double[]> points, double[] core)
    {
        var n = points.Count;
        var inTree = new bool[n];
        var best = Enumerable.Repeat(double.PositiveInfinity, n).ToArray();
        var from = new int[n];
        var edges = new List<(int, int, double)>(n - 1);
        var current = 0;
        inTree[0] = true;
        for (var step = 1; step < n; step++)
        {
            var next = -1;
            for (var j = 0; j < n; j++)
            {
                if (inTree[j]) continue;
                var reach = Math.Max(Vectors.Distance(points[current], points[j]), Math.Max(core[current], core[j]));
                if (reach < best[j]) { best[j] = reach; from[j] = current; }
                if (next < 0 || best[j] < best[next]) next = j;
            }
            edges.Add((from[next], next, best[next]));
            inTree[next] = true;
            current = next;
        }
        return edges;
    }

    /// <summary>
    /// The single-linkage merges in order of weight: node n + i joins two earlier nodes (points are 0..n-1) at
    /// height[i], holding size[i] points.
    /// </summary>
    internal static (int[] Left, int[] Right, double[] Height, int[] Size) SingleLinkage(int n, List<(int A, int B, double Weight)> edges)
    {
        var parent = Enumerable.Range(0, 2 * n - 1).ToArray();
        int Find(int x)
        {
            while (parent[x] != x) x = parent[x] = parent[parent[x]];
            return x;
        }
        var left = new int[n - 1];
        var right = new int[n - 1];
        var height = new double[n - 1];
        var size = new int[2 * n - 1];
        for (var i = 0; i < n; i++) size[i] = 1;
        var merge = 0;
        foreach (var (a, b, weight) in edges.OrderBy(e => e.Weight))
        {
            var ra = Find(a);
            var rb = Find(b);
            var node = n + merge;
            left[merge] = ra;
            right[merge] = rb;
            height[merge] = weight;
            size[node] = size[ra] + size[rb];
            parent[ra] = parent[rb] = node;
            merge++;
        }
        return (left, right, height, size[n..]);
    }

    /// <summary>
    /// One edge of the condensed tree: a point (Child &lt; n) or a cluster (Child = n + cluster) leaving Parent (a
    /// cluster, 0 the root) at Lambda = 1 / distance, with ChildSize points.
    /// </summary>
    internal readonly record struct CondensedEdge(int Parent, int Child, double Lambda, int ChildSize);

    internal static List<CondensedEdge> Condense(int n, int[] left, int[] right, double[] height, int[] size, int minClusterSize)
    {
        var tree = new List<CondensedEdge>();
        int Size(int node) => node < n ? 1 : size[node - n];
        var nextCluster = 1;
        var stack = new Stack<(int Node, int Cluster)>();
        stack.Push((2 * n - 2, 0));
        while (stack.Count > 0)
        {
            // Only nodes of at least minClusterSize (two or more) points are pushed, so every node here is a merge.
            var (node, cluster) = stack.Pop();
            var merge = node - n;
            var lambda = 1.0 / Math.Max(height[merge], MinimumDistance);
            var (l, r) = (left[merge], right[merge]);
            bool bigL = Size(l) >= minClusterSize, bigR = Size(r) >= minClusterSize;
            if (bigL && bigR)
            {
                foreach (var child in new[] { l, r })
                {
                    var id = nextCluster++;
                    tree.Add(new CondensedEdge(cluster, n + id, lambda, Size(child)));
                    stack.Push((child, id));
                }
            }
            else
            {
                foreach (var (child, big) in new[] { (l, bigL), (r, bigR) })
                {
                    if (big) stack.Push((child, cluster));
                    else foreach (var point in Leaves(n, left, right, child)) tree.Add(new CondensedEdge(cluster, point, lambda, 1));
                }
            }
        }
        return tree;
    }

    private static IEnumerable<int> Leaves(int n, int[] left, int[] right, int node)
    {
        var stack = new Stack<int>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current < n) { yield return current; continue; }
            stack.Push(right[current - n]);
            stack.Push(left[current - n]);
        }
    }

    // Points that coincide merge at distance 0; their lambda is capped so stabilities stay finite.
    private const double MinimumDistance = 1e-12;

    /// <summary>
    /// The clusters of excess of mass: a cluster is kept when it is at least as stable as its kept descendants and no
    /// larger than <paramref name="maxClusterSize"/>.
    /// </summary>
    internal static HashSet<int> SelectClusters(List<CondensedEdge> tree, int n, int? maxClusterSize = null)
    {
        var births = tree.Where(e => e.Child >= n).ToDictionary(e => e.Child - n, e => e.Lambda);
        var sizes = tree.Where(e => e.Child >= n).ToDictionary(e => e.Child - n, e => e.ChildSize);
        if (births.Count == 0) return [];
        births[0] = 0;
        var children = tree.Where(e => e.Child >= n).GroupBy(e => e.Parent).ToDictionary(g => g.Key, g => g.Select(e => e.Child - n).ToList());
        // A cluster's stability: the lambda each of its points (or child clusters) spent in it, beyond its birth.
        var stability = tree.GroupBy(e => e.Parent).ToDictionary(g => g.Key, g => g.Sum(e => (e.Lambda - births[g.Key]) * e.ChildSize));

        var selected = new HashSet<int>();
        foreach (var cluster in births.Keys.Where(c => c != 0).OrderByDescending(c => c))
        {
            var mine = stability.GetValueOrDefault(cluster);
            var below = children.GetValueOrDefault(cluster)?.Sum(c => stability.GetValueOrDefault(c)) ?? 0;
            if (mine >= below && (maxClusterSize is not { } max || sizes[cluster] <= max))
            {
                selected.Add(cluster);
                foreach (var descendant in Descendants(cluster, children)) selected.Remove(descendant);
            }
            else stability[cluster] = below;
        }
        return selected;
    }

    private static IEnumerable<int> Descendants(int cluster, Dictionary<int, List<int>> children)
    {
        foreach (var child in children.GetValueOrDefault(cluster) ?? [])
        {
            yield return child;
            foreach (var below in Descendants(child, children)) yield return below;
        }
    }
}
