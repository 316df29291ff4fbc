namespace LlmClusters.Core.Components;

/// <summary>What Install-LlmClustersComponent did for one part.</summary>
public sealed record ComponentInstall(string Name, string Package, string Version, string Path, long Size, bool Downloaded)
{
    /// <summary>The part as it lies at a path, fetched now or found there.</summary>
    public static ComponentInstall At(ModuleComponent component, string path, bool downloaded) =>
        new(component.Name, component.Package, component.Version, path, new FileInfo(path).Length, downloaded);
}
