using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;

namespace LlmClusters.Tests.Metrics;

/// <summary>A figure is defined once in ClusterFigures; its property and its documentation must follow.</summary>
public sealed class ClusterFiguresTests
{
    public static TheoryData<string> Figures() => [.. ClusterFigures.All.Select(f => f.Property)];

    [Theory]
    [MemberData(nameof(Figures))]
    public void Each_figure_has_its_property_of_the_type_it_is_read_as(string name)
    {
        var figure = ClusterFigures.All.Single(f => f.Property == name);
        var expected = figure.Kind switch
        {
            FigureKind.Number => typeof(double?),
            FigureKind.Count => typeof(long),
            FigureKind.Whole => typeof(int),
            FigureKind.Text => typeof(string),
            FigureKind.Time => typeof(DateTime?),
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
        Assert.Equal(expected, typeof(ClusterMetrics).GetProperty(name)?.PropertyType);
        if (!figure.OnCluster) return;
        var onCluster = typeof(LlmCluster).GetProperty(name)?.PropertyType;
        Assert.NotNull(onCluster);
        Assert.Equal(Nullable.GetUnderlyingType(expected) ?? expected, Nullable.GetUnderlyingType(onCluster) ?? onCluster);
    }

    [Theory]
    [MemberData(nameof(Figures))]
    public void Each_figure_has_its_row_in_the_help(string name)
    {
        var help = File.ReadAllText(Repository.File("docs/Measure-ClusterMetrics.md"));
        var outputs = help[help.IndexOf("## OUTPUTS", StringComparison.Ordinal)..help.IndexOf("## NOTES", StringComparison.Ordinal)];
        Assert.Matches($@"(?m)^- (`\w+`, )*`{name}`(, `\w+`)*: \S", outputs);
    }

    [Fact]
    public void Columns_are_named_once()
    {
        Assert.Equal(ClusterFigures.All.Count, ClusterFigures.All.Select(f => f.Column).Distinct().Count());
        Assert.Equal(ClusterFigures.All.Count, ClusterFigures.All.Select(f => f.Property).Distinct().Count());
    }
}
