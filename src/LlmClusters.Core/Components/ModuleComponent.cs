namespace LlmClusters.Core.Components;

/// <summary>
/// A heavy part of the module that no gallery package can carry, fetched from the registry that publishes it: the
/// package (at a pinned version, checked against its pinned SHA-512 before use) and the one file taken from it.
/// </summary>
/// <param name="Name">What the user calls it (Install-LlmClustersComponent -Name).</param>
/// <param name="Registry">Where the package is published.</param>
/// <param name="Package">The package's id on that registry.</param>
/// <param name="Version">The pinned version.</param>
/// <param name="Sha512">The SHA-512 of the package file, base64, as npm's integrity and NuGet's catalog give it.</param>
/// <param name="FileInPackage">The path of the file inside the package.</param>
/// <param name="Platform">The runtime identifier the file is built for (linux-x64), or null for any platform.</param>
public sealed record ModuleComponent(string Name, ComponentRegistry Registry, string Package, string Version, string Sha512, string FileInPackage, string? Platform)
{
    public string FileName => Path.GetFileName(FileInPackage);

    /// <summary>Where the file lives under a components folder: by name and version, so versions never overwrite each other.</summary>
    public string PathUnder(string folder) => System.IO.Path.Combine(folder, Name.ToLowerInvariant(), Version, FileName);

    public override string ToString() => $"{Package}@{Version}";
}
