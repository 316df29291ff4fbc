using System.Management.Automation;
using LlmClusters.Core.Sources;
using LlmClusters.Sessions;

namespace LlmClusters.Infrastructure;

/// <summary>
/// Sets up the module's own load context on import, and on removal releases the embedding model and closes the embedded
/// engine (a process left with it open can stall on exit).
/// </summary>
public sealed class ModuleLifetime : IModuleAssemblyInitializer, IModuleAssemblyCleanup
{
    public void OnImport() => DependencyLoadContext.Register();

    public void OnRemove(PSModuleInfo psModuleInfo)
    {
        ConnectionRegistry.Clear();
        EmbedderCache.Release();
        if (!ConnectionRegistry.EngineUsedElsewhere()) EngineControl.Shutdown();
        DependencyLoadContext.Unregister();
    }
}
