namespace LlmClusters.Core.Demo;

/// <summary>One generated $ai_evaluation: what it judged and how, kept (without its row) for the evaluation run over it.</summary>
public sealed record DemoEvaluation(Guid Uuid, Guid GenerationUuid, string Name, string Runtime, string Verdict, double? JudgeCost, DateTime Timestamp);
