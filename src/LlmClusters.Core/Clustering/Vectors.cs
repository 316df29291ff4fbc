namespace LlmClusters.Core.Clustering;

/// <summary>Euclidean distances between points of the reduced space.</summary>
public static class Vectors
{
    public static double SquaredDistance(double[] a, double[] b)
    {
        var sum = 0.0;
        for (var i = 0; i < a.Length; i++)
        {
            var d = a[i] - b[i];
            sum += d * d;
        }
        return sum;
    }

    public static double Distance(double[] a, double[] b) => Math.Sqrt(SquaredDistance(a, b));
}
