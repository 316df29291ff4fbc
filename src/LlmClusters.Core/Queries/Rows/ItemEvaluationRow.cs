namespace LlmClusters.Core.Queries.Rows;

/// <summary>One $ai_evaluation event, from <see cref="EvaluationQueries.ItemEvaluations"/>; Result as written, Verdict as PostHog derives it.</summary>
public sealed record ItemEvaluationRow(string EvaluationId)
{
    public string? EvaluatorId { get; init; }
    public string? Name { get; init; }
    public string? Result { get; init; }
    public required string Verdict { get; init; }
    public string? Runtime { get; init; }
    public string? Reasoning { get; init; }
    public string? TargetId { get; init; }
    public string? TraceId { get; init; }
    public double? JudgeCost { get; init; }
    public DateTime? EvaluatedAt { get; init; }
}
