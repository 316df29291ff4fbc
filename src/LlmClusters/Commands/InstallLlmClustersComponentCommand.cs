using System.Management.Automation;
using LlmClusters.Core.Components;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>
/// Fetches the module's heavy parts ahead of first use, from the registries that publish them, at pinned versions
/// checked against their pinned SHA-512: into the per-user components folder, or the folder named by -Path.
/// </summary>
[Cmdlet(VerbsLifecycle.Install, "LlmClustersComponent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ComponentInstall))]
public sealed class InstallLlmClustersComponentCommand : LlmClustersCmdlet
{
    /// <summary>The parts to fetch. Defaults to every part published for this platform that the module does not carry.</summary>
    [Parameter(Position = 0)]
    [ValidateSet("Engine", "Model", "Runtime")]
    public string[]? Name { get; set; }

    /// <summary>The folder to fetch into. Defaults to the per-user components folder, where the module looks.</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Path { get; set; }

    /// <summary>Fetch again even when the part is in place.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        var folder = Path is null ? ModuleComponents.DefaultFolder : GetUnresolvedProviderPathFromPSPath(Path);
        var wanted = Name is { Length: > 0 }
            ? ModuleComponents.All.Where(c => Name.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).ToList()
            : ModuleComponents.All.Where(ModuleComponents.IsAvailableHere).ToList();
        if (wanted.Count == 0)
            Warn($"No part of the module is published for {ModuleComponents.Platform}: the ClickHouse and PostHog sources need none.");
        foreach (var component in wanted)
        {
            if (!ModuleComponents.IsAvailableHere(component))
            {
                WriteError(ErrorMapper.ToErrorRecord(new ComponentUnavailableException(component,
                    $"{component.Name} ({component}) is published for {component.Platform} only, not for {ModuleComponents.Platform}: the ClickHouse and PostHog sources need no engine."), component.Name));
                continue;
            }
            var target = component.PathUnder(folder);
            // A build from source carries its parts beside the module: nothing to fetch for the folder the module looks in.
            if (!Force && Path is null && DependencyLoadContext.Carried(component) is { } carried)
            {
                WriteVerbose($"{component} comes with the module, at {carried}.");
                WriteObject(ComponentInstall.At(component, carried, downloaded: false));
                continue;
            }
            if (!Force && ComponentInstaller.IsInstalled(component, folder))
            {
                WriteVerbose($"{component} is in place at {target}.");
                WriteObject(ComponentInstall.At(component, target, downloaded: false));
                continue;
            }
            if (!ShouldProcess(target, $"Fetch {component} from {ComponentInstaller.Shown(component.Registry == ComponentRegistry.Npm ? ComponentInstaller.NpmRegistry : ComponentInstaller.NuGetSource)}")) continue;
            if (TryAwait(token => InstallComponentAsync(component, folder, Force, token), component.Name, out var installed)) WriteObject(installed);
        }
    }
}
