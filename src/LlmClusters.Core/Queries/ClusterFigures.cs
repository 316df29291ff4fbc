using LlmClusters.Core.Model;
using static LlmClusters.Core.Queries.ClusterQueries;

namespace LlmClusters.Core.Queries;

/// <summary>How a figure's column is read: a mean or sum (null over nothing), a count, a name, or a time.</summary>
public enum FigureKind { Number, Count, Whole, Text, Time }

/// <summary>
/// One cluster figure: the property of <see cref="ClusterMetrics"/> it fills (and of <see cref="LlmCluster"/>
/// when <see cref="OnCluster"/>), the column it is read from and its SQL over the cluster's items (<c>i</c>, one row per
/// item from the metrics query's <c>items</c>).
/// </summary>
public sealed record ClusterFigure(string Property, string Column, string Sql, FigureKind Kind)
{
    /// <summary>Whether Get-LlmCluster shows it too (the figures of PostHog's clusters page).</summary>
    public bool OnCluster { get; init; }
}

/// <summary>
/// The figures computed per cluster, each defined once: adding one is a line here, its property on ClusterMetrics (and
/// LlmCluster), and its row in docs/Measure-ClusterMetrics.md (docs/architecture.md, "Adding a metric"; tests check the
/// three agree). Means, sums and quantiles are over the items whose value is above 0, as PostHog's page takes them.
/// </summary>
public static class ClusterFigures
{
    public static readonly IReadOnlyList<ClusterFigure> All =
    [
        new(nameof(ClusterMetrics.TotalCost), "total_cost", "if(countIf(i.cost > 0) > 0, sumIf(i.cost, i.cost > 0), NULL)", FigureKind.Number) { OnCluster = true },
        new(nameof(ClusterMetrics.AvgCost), "avg_cost", "avgIf(i.cost, i.cost > 0)", FigureKind.Number) { OnCluster = true },
        new(nameof(ClusterMetrics.P95Cost), "p95_cost", ExactQuantile("costs", "0.95"), FigureKind.Number),
        new(nameof(ClusterMetrics.AvgLatency), "avg_latency", "avgIf(i.latency, i.latency > 0)", FigureKind.Number) { OnCluster = true },
        new(nameof(ClusterMetrics.AvgGenerationLatency), "avg_generation_latency", "avgIf(i.generation_latency, i.generation_latency > 0)", FigureKind.Number),
        new(nameof(ClusterMetrics.P50Latency), "p50_latency", ExactQuantile("latencies", "0.5"), FigureKind.Number),
        new(nameof(ClusterMetrics.P95Latency), "p95_latency", ExactQuantile("latencies", "0.95"), FigureKind.Number),
        new(nameof(ClusterMetrics.P99Latency), "p99_latency", ExactQuantile("latencies", "0.99"), FigureKind.Number),
        new(nameof(ClusterMetrics.AvgTokens), "avg_tokens", "avgIf(i.input_tokens + i.output_tokens, i.input_tokens + i.output_tokens > 0)", FigureKind.Number) { OnCluster = true },
        new(nameof(ClusterMetrics.InputTokens), "input_tokens", "sum(i.input_tokens)", FigureKind.Count),
        new(nameof(ClusterMetrics.OutputTokens), "output_tokens", "sum(i.output_tokens)", FigureKind.Count),
        new(nameof(ClusterMetrics.ErrorCount), "error_count", "countIf(i.failed_events > 0)", FigureKind.Count) { OnCluster = true },
        new(nameof(ClusterMetrics.FailedEventCount), "failed_event_count", "sum(i.failed_events)", FigureKind.Count) { OnCluster = true },
        new(nameof(ClusterMetrics.TopModel), "top_model",
            "if(empty(tupleElement(model_uses, 1)), NULL, arrayElement(tupleElement(model_uses, 1), indexOf(tupleElement(model_uses, 2), arrayMax(tupleElement(model_uses, 2)))))",
            FigureKind.Text),
        new(nameof(ClusterMetrics.ModelCount), "model_count", "length(tupleElement(model_uses, 1))", FigureKind.Whole),
        new(nameof(ClusterMetrics.FirstSeen), "first_seen", "min(i.first_seen)", FigureKind.Time),
        new(nameof(ClusterMetrics.LastSeen), "last_seen", "max(i.last_seen)", FigureKind.Time),
    ];

    /// <summary>
    /// What the figures are computed from, beside them: the sorted values the quantiles read, the models' uses, and how
    /// many items each mean is over (so that parts of a membership can be combined).
    /// </summary>
    internal static readonly string Inputs = """
        arraySort(groupArrayIf(i.cost, i.cost > 0)) AS costs,
                        arraySort(groupArrayIf(i.latency, i.latency > 0)) AS latencies,
                        sumMap(i.models, arrayMap(model -> 1, i.models)) AS model_uses,
                        countIf(i.cost > 0) AS items_with_cost,
                        countIf(i.latency > 0) AS items_with_latency,
                        countIf(i.input_tokens + i.output_tokens > 0) AS items_with_tokens
        """;

    /// <summary>The SELECT list of every figure.</summary>
    internal static string Columns => string.Join(",\n                ", All.Select(f => $"{f.Sql} AS {f.Column}"));

    /// <summary>The figures of a cluster none of whose items had an event: no means, counts of 0.</summary>
    public static readonly IReadOnlyDictionary<string, object?> None = All.ToDictionary(f => f.Property, f => f.Kind switch
    {
        FigureKind.Count => 0L,
        FigureKind.Whole => (object?)0,
        _ => null,
    }, StringComparer.Ordinal);

    /// <summary>The figures of one result row, by property.</summary>
    internal static IReadOnlyDictionary<string, object?> Read(ResultRow row) => All.ToDictionary(f => f.Property, f => f.Kind switch
    {
        FigureKind.Number => (object?)row.GetFiniteDouble(f.Column),
        FigureKind.Count => row.GetInt64(f.Column) ?? 0,
        FigureKind.Whole => row.GetInt32(f.Column) ?? 0,
        FigureKind.Text => row.GetString(f.Column),
        FigureKind.Time => row.GetDateTime(f.Column),
        _ => throw new ArgumentOutOfRangeException(nameof(row)),
    }, StringComparer.Ordinal);

    /// <summary>
    /// The exact quantile of sorted values, as ClickHouse's quantileExact picks it (the value at index floor(p * n)),
    /// which HogQL does not expose; NULL for no values.
    /// </summary>
    private static string ExactQuantile(string sorted, string p) =>
        $"if(empty({sorted}), NULL, arrayElement({sorted}, {Integer($"floor({p} * length({sorted}))")} + 1))";
}
