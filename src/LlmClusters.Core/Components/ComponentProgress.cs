namespace LlmClusters.Core.Components;

/// <summary>How much of a part's package has arrived (Total when the registry says the size).</summary>
public sealed record ComponentProgress(ModuleComponent Component, long Received, long? Total);
