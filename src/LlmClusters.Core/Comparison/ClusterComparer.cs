using LlmClusters.Core.Model;

namespace LlmClusters.Core.Comparison;

/// <summary>
/// Matches the clusters of two runs one to one over a score of shared items (where the runs share any), title and
/// description similarity, by a global assignment rather than greedily; noise is matched only with noise.
/// </summary>
public static class ClusterComparer
{
    public static IReadOnlyList<ClusterChange> Compare(RunClusters reference, RunClusters difference,
        IReadOnlyDictionary<(int Reference, int Difference), long> shared, ComparisonOptions options)
    {
        var a = reference.Clusters;
        var b = difference.Clusters;
        var overlapKnown = shared.Count > 0;
        var score = new double[a.Count, b.Count];
        var overlap = new double[a.Count, b.Count];
        for (var i = 0; i < a.Count; i++)
            for (var j = 0; j < b.Count; j++)
            {
                var common = shared.GetValueOrDefault((a[i].ClusterId, b[j].ClusterId));
                var union = a[i].Size + b[j].Size - common;
                overlap[i, j] = union > 0 ? (double)common / union : 0;
                score[i, j] = a[i].IsNoise != b[j].IsNoise ? 0
                    : a[i].IsNoise ? 1
                    : overlapKnown
                        ? options.WeightsWithOverlap.Members * overlap[i, j] + options.WeightsWithOverlap.Title * TextSimilarity.Of(a[i].Title, b[j].Title)
                          + options.WeightsWithOverlap.Description * TextSimilarity.Of(a[i].Description, b[j].Description)
                        : options.WeightsWithoutOverlap.Title * TextSimilarity.Of(a[i].Title, b[j].Title)
                          + options.WeightsWithoutOverlap.Description * TextSimilarity.Of(a[i].Description, b[j].Description);
            }

        var cost = new double[a.Count, b.Count];
        for (var i = 0; i < a.Count; i++)
            for (var j = 0; j < b.Count; j++) cost[i, j] = 1 - score[i, j];
        var assigned = Assignment.Solve(cost);

        var totalA = Math.Max(1, a.Sum(c => c.Size));
        var totalB = Math.Max(1, b.Sum(c => c.Size));
        var changes = new List<ClusterChange>();
        var matchedB = new HashSet<int>();
        for (var i = 0; i < a.Count; i++)
        {
            var j = assigned[i];
            if (j < 0 || score[i, j] < options.MatchThreshold)
            {
                changes.Add(Change("Vanished", reference, difference, a[i], null, null, null, overlapKnown));
                continue;
            }
            matchedB.Add(j);
            // Growth is judged on each cluster's share of its run, so runs that sampled different numbers of items compare.
            var shareA = (double)a[i].Size / totalA;
            var shareB = (double)b[j].Size / totalB;
            var change = shareA > 0 ? (shareB - shareA) / shareA : 0;
            var status = change >= options.GrowthThreshold ? "Grown" : change <= -options.GrowthThreshold ? "Shrunk" : "Stable";
            changes.Add(Change(status, reference, difference, a[i], b[j], score[i, j], overlap[i, j], overlapKnown));
        }
        for (var j = 0; j < b.Count; j++)
            if (!matchedB.Contains(j)) changes.Add(Change("New", reference, difference, null, b[j], null, null, overlapKnown));
        return changes;
    }

    private static ClusterChange Change(string status, RunClusters reference, RunClusters difference, LlmCluster? a, LlmCluster? b, double? score,
        double? overlap, bool overlapKnown) => new()
    {
        Status = status,
        ReferenceRunId = reference.Run.RunId,
        DifferenceRunId = difference.Run.RunId,
        ReferenceClusterId = a?.ClusterId,
        DifferenceClusterId = b?.ClusterId,
        ReferenceTitle = a?.Title,
        DifferenceTitle = b?.Title,
        ReferenceSize = a?.Size,
        DifferenceSize = b?.Size,
        SizeDelta = (b?.Size ?? 0) - (a?.Size ?? 0),
        SizeDeltaPercent = a is { Size: > 0 } && b is not null ? 100.0 * (b.Size - a.Size) / a.Size : null,
        MemberOverlap = a is not null && b is not null && overlapKnown ? overlap : null,
        TitleSimilarity = a is not null && b is not null ? TextSimilarity.Of(a.Title, b.Title) : null,
        DescriptionSimilarity = a is not null && b is not null ? TextSimilarity.Of(a.Description, b.Description) : null,
        MatchScore = score,
        ReferenceErrorRate = a?.ErrorRate,
        DifferenceErrorRate = b?.ErrorRate,
        ReferenceAvgCost = a?.AvgCost,
        DifferenceAvgCost = b?.AvgCost,
    };
}
