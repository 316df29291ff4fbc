using System.Reflection;
using System.Runtime.Loader;

namespace LlmClusters.Infrastructure;

/// <summary>
/// The module's own load context for the assemblies in its deps/ folder (the ClickHouse source, ClickHouse.Driver and
/// the Microsoft.Extensions.* and NodaTime versions it needs), so that they never meet other modules' versions of the
/// same assemblies in PowerShell's default context (the pattern of PowerShell's "Resolving PowerShell module assembly
/// dependency conflicts"). Anything not in deps/ (PowerShell, LlmClusters.Core) comes from the default context.
/// </summary>
internal sealed class DependencyLoadContext : AssemblyLoadContext
{
    private static readonly object Gate = new();
    private static DependencyLoadContext? _instance;
    private readonly string _folder;

    private DependencyLoadContext(string folder) : base("LlmClusters.Dependencies") => _folder = folder;

    public static string Folder => Path.Combine(Path.GetDirectoryName(typeof(DependencyLoadContext).Assembly.Location)!, "deps");

    /// <summary>Lets the default context find the module's own deps/ assemblies (only those) in this context.</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_instance is not null || !Directory.Exists(Folder)) return;
            _instance = new DependencyLoadContext(Folder);
            Default.Resolving += ResolveFromDefault;
        }
    }

    public static void Unregister()
    {
        lock (Gate)
        {
            if (_instance is null) return;
            Default.Resolving -= ResolveFromDefault;
        }
    }

    // Only the module's own bridge assembly is handed to the default context; its dependencies stay in this context.
    private static Assembly? ResolveFromDefault(AssemblyLoadContext context, AssemblyName name) =>
        name.Name == "LlmClusters.ClickHouse" ? _instance?.LoadFromAssemblyName(name) : null;

    protected override Assembly? Load(AssemblyName name)
    {
        var path = Path.Combine(_folder, name.Name + ".dll");
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }
}
