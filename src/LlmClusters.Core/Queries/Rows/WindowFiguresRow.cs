namespace LlmClusters.Core.Queries.Rows;

/// <summary>The sums over every item of a window, from <see cref="MetricsQueries.WindowItemFigures"/> (the benchmark's floor).</summary>
public sealed record WindowFiguresRow(long Items, double Cost, double Latency, double Tokens, long Errors, long Generations, DateTime? FirstSeen, DateTime? LastSeen);
