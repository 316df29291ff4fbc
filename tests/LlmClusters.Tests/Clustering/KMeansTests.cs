using LlmClusters.Core.Clustering;

namespace LlmClusters.Tests.Clustering;

public sealed class KMeansTests
{
    private static double[][] Line(params double[] xs) => xs.Select(x => new[] { x }).ToArray();

    [Fact]
    public void Two_groups_on_a_line()
    {
        Assert.Equal([0, 0, 0, 1, 1, 1], KMeans.Cluster(Line(0, 1, 2, 10, 11, 12), k: 2, seed: 1));
    }

    [Fact]
    public void The_silhouette_chooses_three_groups()
    {
        var (k, labels, score) = KMeans.ChooseK(Line(0, 1, 2, 10, 11, 12, 20, 21, 22, 23), minK: 2, maxK: 5, seed: 3);
        Assert.Equal(3, k);
        Assert.Equal([1, 1, 1, 2, 2, 2, 0, 0, 0, 0], labels);
        Assert.True(score > 0.8);
    }

    [Fact]
    public void The_same_seed_gives_the_same_labels()
    {
        var random = new Random(5);
        var points = Enumerable.Range(0, 200).Select(_ => new[] { random.NextDouble(), random.NextDouble() }).ToArray();
        Assert.Equal(KMeans.Cluster(points, 5, seed: 9), KMeans.Cluster(points, 5, seed: 9));
    }

    [Fact]
    public void The_silhouette_of_two_pairs_by_hand()
    {
        // Point 0: a = 1, b = (10 + 11) / 2 = 10.5, s = 9.5 / 10.5; point 1: a = 1, b = 9.5, s = 8.5 / 9.5; the pair at 10, 11 mirrors them.
        var expected = (9.5 / 10.5 + 8.5 / 9.5) / 2;
        Assert.Equal(expected, Silhouette.Score(Line(0, 1, 10, 11), [0, 0, 1, 1]), 12);
        Assert.Equal(0, Silhouette.Score(Line(0, 1), [0, 0]));
    }
}
