using System.Reflection;
using System.Runtime.Loader;
using LlmClusters.Core.Components;

namespace LlmClusters.Infrastructure;

/// <summary>
/// The module's own load context for the assemblies in its deps/ folder (the ClickHouse and PostHog sources, the embedder, ClickHouse.Driver, ONNX Runtime, Polly and
/// the Microsoft.Extensions.* and NodaTime versions it needs), so that they never meet other modules' versions of the
/// same assemblies in PowerShell's default context (the pattern of PowerShell's "Resolving PowerShell module assembly
/// dependency conflicts"). Anything not in deps/ (PowerShell, LlmClusters.Core) comes from the default context.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static DependencyLoadContext? _instance;
    private static bool _registered;
    private readonly string _folder;

    private DependencyLoadContext(string folder) : base("LlmClusters.Dependencies") => _folder = folder;

    public static string Folder => Path.Combine(Path.GetDirectoryName(typeof(DependencyLoadContext).Assembly.Location)!, "deps");

    /// <summary>Lets the default context find the module's own deps/ assemblies (only those) in this context.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered || !Directory.Exists(Folder)) return;
            // One context per process: a module imported again (Import-Module -Force) keeps the assemblies it loaded.
            _instance ??= new DependencyLoadContext(Folder);
            Default.Resolving += ResolveFromDefault;
            _registered = true;
        }
    }

    public static void Unregister()
    {
        lock (Gate)
        {
            if (!_registered) return;
            Default.Resolving -= ResolveFromDefault;
            _registered = false;
        }
    }

    // Only the module's own bridge assemblies are handed to the default context; their dependencies stay in this context.
    private static Assembly? ResolveFromDefault(AssemblyLoadContext context, AssemblyName name) =>
        name.Name is "LlmClusters.ClickHouse" or "LlmClusters.PostHog" or "LlmClusters.Embeddings" ? _instance?.LoadFromAssemblyName(name) : null;

    // ONNX Runtime's native library sits in deps/ too; the default probing would not look there.
    // The model and ONNX Runtime's library are beside the module in a build from source; an installed package leaves
    // them out, and they are fetched into the components folder (Install-LlmClustersComponent) and loaded from there.
    protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
    {
        foreach (var file in new[] { unmanagedDllName, $"lib{unmanagedDllName}.so", $"{unmanagedDllName}.so", $"lib{unmanagedDllName}.dylib", $"{unmanagedDllName}.dll" })
        {
            var path = Path.Combine(_folder, file);
            if (File.Exists(path)) return LoadUnmanagedDllFromPath(path);
        }
        var runtime = ModuleComponents.Runtime;
        var fetched = runtime.PathUnder(ModuleComponents.DefaultFolder);
        return unmanagedDllName.Contains("onnxruntime", StringComparison.Ordinal) && File.Exists(fetched) ? LoadUnmanagedDllFromPath(fetched) : IntPtr.Zero;
    }

    protected override Assembly? Load(AssemblyName name)
    {
        var path = Path.Combine(_folder, name.Name + ".dll");
        if (File.Exists(path)) return LoadFromAssemblyPath(path);
        var model = ModuleComponents.Model;
        var fetched = model.PathUnder(ModuleComponents.DefaultFolder);
        return name.Name + ".dll" == model.FileName && File.Exists(fetched) ? LoadFromAssemblyPath(fetched) : null;
    }

    /// <summary>Where a part is when the module carries it (a build from source), or null when it has to be fetched.</summary>
    public static string? Carried(ModuleComponent component)
    {
        var path = component == ModuleComponents.Engine
            ? Path.Combine(Path.GetDirectoryName(Folder)!, "native", component.FileName)
            : Path.Combine(Folder, component.FileName);
        return File.Exists(path) ? path : null;
    }
}
