using System.Globalization;
using LlmClusters.Core.Model;

namespace LlmClusters.Tests.Model;

public sealed class FigureTests
{
    [Theory]
    [InlineData(1.7078614999999995, "1.7078615")]
    [InlineData(0.1 + 0.2, "0.3")]
    [InlineData(2.6e-7, "2.6E-07")]
    [InlineData(1.0 / 3, "0.333333333333333")]
    [InlineData(0, "0")]
    public void Sums_and_means_are_written_without_float_noise(double value, string written) =>
        Assert.Equal(written, Figure.Tidy(value).ToString(CultureInfo.InvariantCulture));

    [Fact]
    public void Values_that_are_not_finite_stay_as_they_are()
    {
        Assert.True(double.IsNaN(Figure.Tidy(double.NaN)));
        Assert.Equal(double.PositiveInfinity, Figure.Tidy(double.PositiveInfinity));
    }
}
