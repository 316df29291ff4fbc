namespace LlmClusters.Core.Demo;

/// <summary>How far a demo load has come, in events.</summary>
public readonly record struct DemoLoadProgress(int EventsWritten, int EventsTotal);
