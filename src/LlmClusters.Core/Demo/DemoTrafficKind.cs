namespace LlmClusters.Core.Demo;

/// <summary>
/// One kind of LLM usage in the demo data: what its traces look like and how a clustering run would title it.
/// The kinds are the ground truth that clusters found in the demo data should recover.
/// </summary>
public sealed record DemoTrafficKind
{
    public required string Key { get; init; }
    public required string TraceName { get; init; }
    public required string ClusterTitle { get; init; }
    public required string ClusterDescription { get; init; }
    public required double Share { get; init; }
    public required double ErrorRate { get; init; }
    public required string[] ErrorMessages { get; init; }
    public required int ErrorHttpStatus { get; init; }
    public required DemoModel[] Models { get; init; }
    public required string SystemPrompt { get; init; }
    public required string[] Prompts { get; init; }
    public required string[] Answers { get; init; }
    public required string[][] Slots { get; init; }
    public required (int Min, int Max) Generations { get; init; }
    public required string[] SpanNames { get; init; }
    public required (int Min, int Max) InputTokens { get; init; }
    public required (int Min, int Max) OutputTokens { get; init; }
    public required (double Min, double Max) LatencySeconds { get; init; }
    public bool UsesEmbedding { get; init; }
}
