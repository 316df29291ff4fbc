using MathNet.Numerics.LinearAlgebra;

namespace LlmClusters.Core.Clustering;

/// <summary>
/// Principal component analysis with MathNet.Numerics: the eigenvectors of the covariance matrix (dimensions x
/// dimensions, small for 384-dimensional embeddings), largest variance first. Each component's sign is fixed (its
/// largest entry positive), so the same data always gives the same coordinates.
/// </summary>
public static class Pca
{
    /// <summary>The rows projected onto their first <paramref name="components"/> principal components.</summary>
    public static double[][] Project(IReadOnlyList<float[]> rows, int components)
    {
        if (rows.Count == 0) return [];
        var n = rows.Count;
        var d = rows[0].Length;
        var k = Math.Clamp(components, 1, d);
        var mean = new double[d];
        foreach (var row in rows)
            for (var j = 0; j < d; j++) mean[j] += row[j];
        for (var j = 0; j < d; j++) mean[j] /= n;

        var centered = Matrix<double>.Build.Dense(n, d, (i, j) => rows[i][j] - mean[j]);
        var covariance = centered.TransposeThisAndMultiply(centered) / Math.Max(1, n - 1);
        var evd = covariance.Evd(Symmetricity.Symmetric);
        var order = Enumerable.Range(0, d).OrderByDescending(i => evd.EigenValues[i].Real).ThenBy(i => i).Take(k).ToArray();
        var basis = Matrix<double>.Build.Dense(d, k, (i, c) => evd.EigenVectors[i, order[c]]);
        for (var c = 0; c < k; c++)
        {
            var column = basis.Column(c);
            var largest = column.AbsoluteMaximumIndex();
            if (column[largest] < 0) basis.SetColumn(c, column.Negate());
        }
        var projected = centered * basis;
        return Enumerable.Range(0, n).Select(i => projected.Row(i).ToArray()).ToArray();
    }
}
