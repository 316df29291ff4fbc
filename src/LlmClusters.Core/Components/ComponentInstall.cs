namespace LlmClusters.Core.Components;

/// <summary>What Install-LlmClustersComponent did for one part.</summary>
public sealed record ComponentInstall(string Name, string Package, string Version, string Path, long Size, bool Downloaded);
