namespace LlmClusters.Core.Comparison;

/// <summary>
/// The one-to-one assignment of rows to columns with the least total cost (the Hungarian method, with potentials,
/// O(n³)). Hand-written: it is short, and none of the served packages offers it. Rectangular matrices are padded.
/// </summary>
public static class Assignment
{
    /// <summary>For each row, the column it is assigned to, or -1 when it is assigned to padding.</summary>
    public static int[] Solve(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1), n = Math.Max(rows, columns);
        if (n == 0) return [];
        double Cost(int i, int j) => i < rows && j < columns ? cost[i, j] : 0;

        // 1-based arrays as in the classic formulation; u, v are potentials, p[j] the row matched to column j.
        var u = new double[n + 1];
        var v = new double[n + 1];
        var p = new int[n + 1];
        var way = new int[n + 1];
        for (var i = 1; i <= n; i++)
        {
            p[0] = i;
            var j0 = 0;
            var minv = Enumerable.Repeat(double.PositiveInfinity, n + 1).ToArray();
            var used = new bool[n + 1];
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                var delta = double.PositiveInfinity;
                for (var j = 1; j <= n; j++)
                {
                    if (used[j]) continue;
                    var current = Cost(i0 - 1, j - 1) - u[i0] - v[j];
                    if (current < minv[j]) { minv[j] = current; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (var j = 0; j <= n; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                var j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }

        var result = Enumerable.Repeat(-1, rows).ToArray();
        for (var j = 1; j <= n; j++)
            if (p[j] >= 1 && p[j] <= rows && j <= columns) result[p[j] - 1] = j - 1;
        return result;
    }
}
