namespace LlmClusters.Core.Demo;

/// <summary>A cluster written into a demo run: the kind it stands for (none for noise) and its item keys by rank.</summary>
public sealed record DemoCluster(int ClusterId, string? KindKey, IReadOnlyList<string> ItemKeys);
