namespace LlmClusters.Core.Demo;

/// <summary>What a demo load wrote, and where.</summary>
public sealed record DemoLoadSummary(
    string Location,
    string Table,
    int Seed,
    int TraceCount,
    int EventCount,
    int RunCount,
    DateTime Start,
    DateTime End);
