namespace LlmClusters.Core.Demo;

/// <summary>A generated trace: its kind of traffic (the ground truth for clustering) and its events.</summary>
public sealed record DemoTrace(string TraceId, DemoTrafficKind Kind, DateTime Start, IReadOnlyList<DemoEvent> Events);
