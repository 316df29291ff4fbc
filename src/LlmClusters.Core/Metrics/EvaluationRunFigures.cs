using LlmClusters.Core.Model;
using LlmClusters.Core.Queries.Rows;

namespace LlmClusters.Core.Metrics;

/// <summary>
/// An evaluation run's cluster figures, by PostHog's workflow's rules (evaluation_clustering/aggregates.py): the
/// verdicts, evaluators, runtimes and judge costs of the evaluations whose event was found, and the cost, latency,
/// tokens and failures of the generations they judged, each mean over values above 0. An evaluation whose event is
/// gone counts in ItemCount only; one whose generation is gone adds nothing to the generation figures.
/// </summary>
public sealed record EvaluationRunFigures
{
    public long ItemCount { get; init; }
    public long EvaluationCount { get; init; }
    public VerdictCounts Verdicts { get; init; }
    public string? DominantEvaluationName { get; init; }
    public string? DominantRuntime { get; init; }
    public double? AvgJudgeCost { get; init; }
    public double? TotalCost { get; init; }
    public double? AvgCost { get; init; }
    public double? AvgLatency { get; init; }
    public double? AvgTokens { get; init; }
    public long InputTokens { get; init; }
    public long OutputTokens { get; init; }

    /// <summary>Evaluations whose generation was found (the error rate's denominator).</summary>
    public long JudgedWithData { get; init; }

    public long ErrorCount { get; init; }
    public double? ErrorRate => JudgedWithData > 0 ? (double)ErrorCount / JudgedWithData : null;
    public string? TopModel { get; init; }
    public int ModelCount { get; init; }

    /// <param name="items">One cluster's items, read with their evaluations.</param>
    /// <param name="generations">The judged generations found, by uuid.</param>
    public static EvaluationRunFigures Of(IReadOnlyCollection<ClusterItem> items, IReadOnlyDictionary<string, JudgedGenerationRow> generations)
    {
        var found = items.Where(i => i.Verdict is not null).ToList();
        var judged = found
            .Select(i => i.GenerationId is { } id && generations.TryGetValue(id, out var g) ? g : null)
            .OfType<JudgedGenerationRow>()
            .Where(HasData)
            .ToList();
        var costs = judged.Select(g => g.Cost ?? 0).Where(c => c > 0).ToList();
        var latencies = judged.Select(g => g.Latency ?? 0).Where(l => l > 0).ToList();
        var tokens = judged.Select(g => (g.InputTokens ?? 0) + (g.OutputTokens ?? 0)).Where(t => t > 0).ToList();
        var judgeCosts = found.Select(i => i.JudgeCost ?? 0).Where(c => c > 0).ToList();
        var models = judged.Select(g => g.Model).OfType<string>().ToList();
        return new EvaluationRunFigures
        {
            ItemCount = items.Count,
            EvaluationCount = found.Count,
            Verdicts = VerdictCounts.Of(found.Select(i => i.Verdict)),
            DominantEvaluationName = MostCommon(found.Select(i => i.EvaluationName)),
            DominantRuntime = MostCommon(found.Select(i => i.Runtime)),
            AvgJudgeCost = judgeCosts.Count > 0 ? judgeCosts.Average() : null,
            TotalCost = costs.Count > 0 ? costs.Sum() : null,
            AvgCost = costs.Count > 0 ? costs.Average() : null,
            AvgLatency = latencies.Count > 0 ? latencies.Average() : null,
            AvgTokens = tokens.Count > 0 ? tokens.Average() : null,
            InputTokens = (long)judged.Sum(g => g.InputTokens ?? 0),
            OutputTokens = (long)judged.Sum(g => g.OutputTokens ?? 0),
            JudgedWithData = judged.Count,
            ErrorCount = judged.Count(g => g.IsError == true),
            TopModel = MostCommon(models),
            ModelCount = models.Distinct(StringComparer.Ordinal).Count(),
        };
    }

    /// <summary>The metrics object PostHog's evaluation workflow stores on the cluster, with its verdict figures.</summary>
    public RunEventMetrics ToRunEventMetrics() => new(ItemCount, AvgCost, AvgLatency, AvgTokens, TotalCost, ErrorCount, ErrorRate)
    {
        Verdicts = new RunEventVerdicts(Verdicts.PassRate, Verdicts.NaRate, DominantEvaluationName, DominantRuntime, AvgJudgeCost),
    };

    // A generation counts as found when it gives any figure, as the workflow's has_generation reads it.
    private static bool HasData(JudgedGenerationRow g) =>
        g.Cost is not null || g.Latency is not null || g.InputTokens is not null || g.OutputTokens is not null || g.Model is not null || g.IsError is not null;

    // The most common non-empty value; PostHog's Counter breaks ties by first seen, which depends on its sample's
    // order, so ties go to the first name in ordinal order here.
    private static string? MostCommon(IEnumerable<string?> values) =>
        values.Where(v => !string.IsNullOrEmpty(v)).GroupBy(v => v!, StringComparer.Ordinal)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).FirstOrDefault()?.Key;
}
