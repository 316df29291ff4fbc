using MathNet.Numerics.Distributions;

namespace LlmClusters.Core.Metrics;

/// <summary>
/// Is a cluster's error rate really different from the rest of its run? A two-sided two-proportion z-test with a
/// pooled rate, or Fisher's exact test when any expected count is below 5 (where the normal approximation fails).
/// </summary>
public static class ErrorRateComparison
{
    public const string ZTest = "TwoProportionZ";
    public const string ExactTest = "FisherExact";

    public readonly record struct Result(double? Lift, double? PValue, string? Test);

    public static Result Compare(long clusterErrors, long clusterItems, long restErrors, long restItems)
    {
        if (clusterItems <= 0 || restItems <= 0) return new Result(null, null, null);
        var clusterRate = (double)clusterErrors / clusterItems;
        var restRate = (double)restErrors / restItems;
        double? lift = restRate > 0 ? clusterRate / restRate : null;

        var totalErrors = clusterErrors + restErrors;
        var total = clusterItems + restItems;
        var pooled = (double)totalErrors / total;
        var expectedSmall = Math.Min(Math.Min(clusterItems * pooled, clusterItems * (1 - pooled)), Math.Min(restItems * pooled, restItems * (1 - pooled))) < 5;
        if (expectedSmall)
            return new Result(lift, FisherTwoSided(clusterErrors, clusterItems, totalErrors, total), ExactTest);

        var standardError = Math.Sqrt(pooled * (1 - pooled) * (1.0 / clusterItems + 1.0 / restItems));
        if (standardError == 0) return new Result(lift, 1.0, ZTest);
        var z = (clusterRate - restRate) / standardError;
        return new Result(lift, Math.Min(1.0, 2 * Normal.CDF(0, 1, -Math.Abs(z))), ZTest);
    }

    /// <summary>
    /// Fisher's exact test on the 2x2 table: the probability, under the hypergeometric distribution with the margins
    /// fixed, of every table at most as likely as the one observed.
    /// </summary>
    public static double FisherTwoSided(long clusterErrors, long clusterItems, long totalErrors, long total)
    {
        var distribution = new Hypergeometric((int)total, (int)totalErrors, (int)clusterItems);
        var observed = distribution.ProbabilityLn((int)clusterErrors);
        var low = Math.Max(0, clusterItems + totalErrors - total);
        var high = Math.Min(clusterItems, totalErrors);
        var p = 0.0;
        for (var k = low; k <= high; k++)
        {
            var ln = distribution.ProbabilityLn((int)k);
            if (ln <= observed + 1e-7) p += Math.Exp(ln);
        }
        return Math.Min(1.0, p);
    }
}
