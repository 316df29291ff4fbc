using LlmClusters.Core.Clustering;

namespace LlmClusters.Tests.Clustering;

/// <summary>HDBSCAN on cases small enough to work out by hand.</summary>
public sealed class HdbscanTests
{
    private static double[][] Line(params double[] xs) => xs.Select(x => new[] { x }).ToArray();

    [Fact]
    public void Two_groups_and_a_far_outlier()
    {
        // Core distances (3 nearest, counting the point): 2 at the ends of each group, 1 inside it; 196 for the outlier.
        // The outlier joins last (at 196) and leaves the root alone: noise. The groups split apart at 96: two clusters.
        var labels = Hdbscan.Cluster(Line(0, 1, 2, 3, 4, 100, 101, 102, 103, 104, 300), minClusterSize: 3);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1], labels);
    }

    [Fact]
    public void A_point_that_joins_a_group_before_the_groups_split_stays_in_it()
    {
        // 50 joins {0..4} at 47, before {0..4, 50} and {100..104} meet at 50: it leaves a selected cluster, so it is a member.
        var labels = Hdbscan.Cluster(Line(0, 1, 2, 3, 4, 100, 101, 102, 103, 104, 50), minClusterSize: 3);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0], labels);
    }

    [Fact]
    public void One_group_alone_is_not_a_cluster()
    {
        // The root is never selected, and no split leaves two parts of three or more points.
        Assert.All(Hdbscan.Cluster(Line(0, 1, 2, 3, 4), minClusterSize: 3), label => Assert.Equal(-1, label));
    }

    [Fact]
    public void Repeated_points_give_finite_stable_clusters()
    {
        var labels = Hdbscan.Cluster(Line(5, 5, 5, 5, 0, 0, 0, 0, 0), minClusterSize: 3);
        Assert.Equal([1, 1, 1, 1, 0, 0, 0, 0, 0], labels);
    }

    [Fact]
    public void The_larger_cluster_is_numbered_first()
    {
        var labels = Hdbscan.Cluster(Line(100, 101, 102, 0, 1, 2, 3, 4, 5), minClusterSize: 3);
        Assert.Equal([1, 1, 1, 0, 0, 0, 0, 0, 0], labels);
    }

    [Fact]
    public void A_cluster_over_the_cap_is_refused_and_split()
    {
        // Two groups 2 apart, far from a third: the pair is more stable than either of its parts, so excess of mass
        // keeps it whole, 10 of the 15 points. Capped at 7 (PostHog's max(min_cluster_size, int(15 * 0.5))), it is
        // refused and selection descends into its parts; the far group stays as it was.
        var points = Line(0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 1000, 1001, 1002, 1003, 1004);
        var whole = Hdbscan.Cluster(points, minClusterSize: 3);
        Assert.Equal(10, whole.Count(l => l == 0));
        Assert.Equal([1, 1, 1, 1, 1], whole[10..]);

        // The pair goes to its parts, {0..4, 6} and {7, 8, 9}; 10, at the end of the second, falls out as noise.
        var capped = Hdbscan.Cluster(points, minClusterSize: 3, maxClusterSize: 7);
        Assert.Equal([0, 0, 0, 0, 0, 0, 2, 2, 2, -1, 1, 1, 1, 1, 1], capped);
        Assert.Equal(whole, Hdbscan.Cluster(points, minClusterSize: 3, maxClusterSize: 10));
    }

    [Fact]
    public void Too_few_points_are_all_noise()
    {
        Assert.Equal([-1, -1], Hdbscan.Cluster(Line(0, 1), minClusterSize: 3));
        Assert.Empty(Hdbscan.Cluster([], minClusterSize: 3));
    }

    [Fact]
    public void The_spanning_tree_uses_mutual_reachability()
    {
        var points = Line(0, 1, 2, 3, 4);
        var core = Hdbscan.CoreDistances(points, 3);
        Assert.Equal([2.0, 1, 1, 1, 2], core);
        var weights = Hdbscan.SpanningTree(points, core).Select(e => e.Weight).Order();
        Assert.Equal([1.0, 1, 2, 2], weights);
    }
}
