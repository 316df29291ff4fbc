namespace LlmClusters.Core.Queries.Rows;

/// <summary>One judged $ai_generation's figures, from <see cref="EvaluationQueries.JudgedGenerations"/>; null where the event has none.</summary>
public sealed record JudgedGenerationRow(string GenerationId)
{
    public double? Cost { get; init; }
    public double? Latency { get; init; }
    public double? InputTokens { get; init; }
    public double? OutputTokens { get; init; }
    public string? Model { get; init; }
    public string? Provider { get; init; }
    public bool? IsError { get; init; }
}
