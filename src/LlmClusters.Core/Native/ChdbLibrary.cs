using System.Runtime.InteropServices;
using LlmClusters.Core.Components;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Native;

/// <summary>
/// Finds libchdb.so: the environment variable first, then beside the module, then the per-user components folder
/// (where Install-LlmClustersComponent puts it, and where it is fetched to on first use), then the system's search path.
/// </summary>
internal static class ChdbLibrary
{
    public const string PathVariable = "LLMCLUSTERS_CHDB_LIBRARY";
    private const string FileName = "libchdb.so";
    private static readonly object Gate = new();
    private static bool _resolverSet;

    /// <summary>Where the library is looked for, in order; shown to the user when none is found.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        var list = new List<string>();
        var fromEnvironment = Environment.GetEnvironmentVariable(PathVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment)) list.Add(fromEnvironment);
        var here = Path.GetDirectoryName(typeof(ChdbLibrary).Assembly.Location);
        if (!string.IsNullOrEmpty(here))
        {
            list.Add(Path.Combine(here, "native", FileName));
            list.Add(Path.Combine(here, FileName));
        }
        list.Add(ModuleComponents.Engine.PathUnder(ModuleComponents.DefaultFolder));
        return list;
    }

    /// <summary>Makes sure the engine library can be loaded, or throws <see cref="EngineUnavailableException"/>.</summary>
    public static void EnsureLoadable()
    {
        lock (Gate)
        {
            if (_resolverSet) return;
            if (!ModuleComponents.IsAvailableHere(ModuleComponents.Engine))
                throw new EngineUnavailableException(
                    $"The embedded ClickHouse engine (chDB) is published for Linux x64 only, not for {ModuleComponents.Platform}.");

            var handle = TryLoad(out var tried);
            if (handle == IntPtr.Zero && Environment.GetEnvironmentVariable(PathVariable) is not { Length: > 0 })
            {
                // First use without the engine: fetch it (Connect-LlmAnalytics does so ahead, with a progress bar).
                try
                {
                    new ComponentInstaller().InstallAsync(ModuleComponents.Engine, ModuleComponents.DefaultFolder, force: false, null, CancellationToken.None)
                        .GetAwaiter().GetResult();
                }
                catch (ComponentUnavailableException e)
                {
                    throw new EngineUnavailableException(e.Message);
                }
                handle = TryLoad(out tried);
            }
            if (handle == IntPtr.Zero)
                throw new EngineUnavailableException(
                    $"The embedded ClickHouse engine library ({FileName}) was not found. Looked in: {string.Join(", ", tried)}. " +
                    $"Run Install-LlmClustersComponent -Name Engine, or set {PathVariable} to its full path.");

            NativeLibrary.SetDllImportResolver(typeof(ChdbLibrary).Assembly, (name, _, _) =>
                name == ChdbNative.LibraryName ? handle : IntPtr.Zero);
            _resolverSet = true;
        }
    }

    private static IntPtr TryLoad(out List<string> tried)
    {
        tried = new List<string>();
        foreach (var candidate in Candidates())
        {
            tried.Add(candidate);
            if (File.Exists(candidate) && NativeLibrary.TryLoad(candidate, out var handle)) return handle;
        }
        tried.Add("the system library path");
        return NativeLibrary.TryLoad(FileName, typeof(ChdbLibrary).Assembly, DllImportSearchPath.SafeDirectories, out var fromSystem)
            ? fromSystem
            : IntPtr.Zero;
    }
}
