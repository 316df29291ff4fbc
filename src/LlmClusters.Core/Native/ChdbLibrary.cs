using System.Runtime.InteropServices;
using LlmClusters.Core.Components;

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
            // A library the user named is tried wherever the module runs; elsewhere the engine is published for one platform.
            var named = Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 };
            if (!named && !ModuleComponents.IsAvailableHere(ModuleComponents.Engine))
                throw new EngineUnavailableException(
                    $"The embedded ClickHouse engine (chDB) is published for Linux x64 only, not for {ModuleComponents.Platform}.");

            // Never fetched here (a command fetches it first, with a progress bar and Ctrl+C): this runs on the engine's thread.
            var handle = TryLoad(out var tried);
            if (handle == IntPtr.Zero)
                throw new EngineUnavailableException(
                    $"The embedded ClickHouse engine library ({FileName}) was not found. Looked in: {string.Join(", ", tried)}. " +
                    $"Run Install-LlmClustersComponent -Name Engine, or set {PathVariable} to its full path.");

            NativeLibrary.SetDllImportResolver(typeof(ChdbLibrary).Assembly, (name, _, _) =>
                name == ChdbNative.LibraryName ? handle : IntPtr.Zero);
            _resolverSet = true;
        }
    }

    /// <summary>Whether the library is where it is looked for, the system's search path included (it is loaded to tell).</summary>
    public static bool Findable()
    {
        lock (Gate) return _resolverSet || TryLoad(out _) != IntPtr.Zero;
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
