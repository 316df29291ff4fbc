using LlmClusters.Core.Metrics;

namespace LlmClusters.Tests.Metrics;

public sealed class ErrorRateComparisonTests
{
    [Fact]
    public void Large_counts_use_the_two_proportion_z_test()
    {
        // 50/1000 against 20/1000: pooled 0.035, z = 0.03 / sqrt(0.035 * 0.965 * 0.002) = 3.6500, p = 2 * (1 - Phi(3.65)).
        var result = ErrorRateComparison.Compare(50, 1000, 20, 1000);

        Assert.Equal(ErrorRateComparison.ZTest, result.Test);
        Assert.Equal(2.5, result.Lift!.Value, 9);
        Assert.Equal(0.000262, result.PValue!.Value, 5);
    }

    [Fact]
    public void Small_counts_use_fishers_exact_test()
    {
        // Fisher's tea-tasting table [[3, 1], [1, 3]]: two-sided p = 34/70 = 0.4857.
        var result = ErrorRateComparison.Compare(3, 4, 1, 4);

        Assert.Equal(ErrorRateComparison.ExactTest, result.Test);
        Assert.Equal(34.0 / 70, result.PValue!.Value, 9);
        Assert.Equal(3.0, result.Lift!.Value, 9);
    }

    [Fact]
    public void A_rest_without_errors_has_no_lift()
    {
        var result = ErrorRateComparison.Compare(5, 100, 0, 900);
        Assert.Null(result.Lift);
        Assert.True(result.PValue < 0.001);
    }

    [Fact]
    public void Nothing_to_compare_with_gives_nothing()
    {
        Assert.Equal(new ErrorRateComparison.Result(null, null, null), ErrorRateComparison.Compare(1, 10, 0, 0));
    }
}
