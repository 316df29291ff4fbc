using System.Management.Automation;
using LlmClusters.Core.Sources;

namespace LlmClusters.Infrastructure;

/// <summary>Closes the embedded engine when the module is removed: a process left with it open can stall on exit.</summary>
public sealed class ModuleLifetime : IModuleAssemblyCleanup
{
    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        ConnectionRegistry.Clear();
        EngineControl.Shutdown();
    }
}
