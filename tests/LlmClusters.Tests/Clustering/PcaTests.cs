using LlmClusters.Core.Clustering;

namespace LlmClusters.Tests.Clustering;

public sealed class PcaTests
{
    [Fact]
    public void Points_on_a_line_project_onto_it()
    {
        // The direction is (1, 2) / sqrt(5); centred points are -1, 0, 1 times (1, 2), so they land at -sqrt(5), 0, sqrt(5).
        var projected = Pca.Project([[1f, 2f], [2f, 4f], [3f, 6f]], 1);
        Assert.Equal(-Math.Sqrt(5), projected[0][0], 6);
        Assert.Equal(0, projected[1][0], 6);
        Assert.Equal(Math.Sqrt(5), projected[2][0], 6);
    }

    [Fact]
    public void The_first_component_has_the_most_variance()
    {
        var projected = Pca.Project([[0f, 0f], [10f, 1f], [20f, 0f], [30f, 1f]], 2);
        var spread = Enumerable.Range(0, 2).Select(c => projected.Max(p => p[c]) - projected.Min(p => p[c])).ToArray();
        Assert.True(spread[0] > 25 && spread[1] < 2);
    }
}
