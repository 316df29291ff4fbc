using LlmClusters.Core.Model;

namespace LlmClusters.Core.Clusters;

/// <summary>
/// Which of an evaluation run's items a caller asked for, by verdict and by evaluator name (wildcards), as PostHog's
/// clusters page filters evaluation runs. An item whose evaluation event is gone has neither and matches no filter.
/// </summary>
public sealed record EvaluationFilter
{
    public IReadOnlyList<Wildcard>? Verdicts { get; init; }
    public IReadOnlyList<Wildcard>? EvaluationNames { get; init; }

    public bool IsEmpty => Verdicts is not { Count: > 0 } && EvaluationNames is not { Count: > 0 };

    public bool Matches(ClusterItem item) =>
        (Verdicts is not { Count: > 0 } || Verdicts.Any(v => v.IsMatch(item.Verdict)))
        && (EvaluationNames is not { Count: > 0 } || EvaluationNames.Any(n => n.IsMatch(item.EvaluationName)));

    /// <summary>
    /// The run's clusters rebuilt from the items that match, as PostHog's page does: each cluster's size is its matching
    /// items, and clusters left empty are dropped.
    /// </summary>
    public RunClusters Apply(RunClusters run, IReadOnlyList<ClusterItem> items)
    {
        var sizes = items.Where(Matches).GroupBy(i => i.ClusterId).ToDictionary(g => g.Key, g => (long)g.Count());
        return run with
        {
            Clusters = run.Clusters.Where(c => sizes.ContainsKey(c.ClusterId)).Select(c => c with { Size = sizes[c.ClusterId] }).ToList(),
        };
    }
}
