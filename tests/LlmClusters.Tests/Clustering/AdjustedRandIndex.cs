namespace LlmClusters.Tests.Clustering;

/// <summary>The adjusted Rand index (Hubert and Arabie 1985): 1 for identical partitions, about 0 for chance agreement.</summary>
public static class AdjustedRandIndex
{
    public static double Of<TA, TB>(IReadOnlyList<TA> a, IReadOnlyList<TB> b) where TA : notnull where TB : notnull
    {
        static double Pairs(long n) => n * (n - 1) / 2.0;
        var table = a.Zip(b).GroupBy(p => p).Select(g => (long)g.Count()).ToList();
        var rows = a.GroupBy(x => x).Select(g => (long)g.Count()).ToList();
        var columns = b.GroupBy(x => x).Select(g => (long)g.Count()).ToList();
        var index = table.Sum(Pairs);
        var rowPairs = rows.Sum(Pairs);
        var columnPairs = columns.Sum(Pairs);
        var expected = rowPairs * columnPairs / Pairs(a.Count);
        var max = (rowPairs + columnPairs) / 2;
        return max == expected ? 1 : (index - expected) / (max - expected);
    }
}
