using System.Runtime.InteropServices;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Native;

/// <summary>Finds libchdb.so: the environment variable first, then beside the module, then the system's search path.</summary>
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
        return list;
    }

    /// <summary>Makes sure the engine library can be loaded, or throws <see cref="EngineUnavailableException"/>.</summary>
    public static void EnsureLoadable()
    {
        lock (Gate)
        {
            if (_resolverSet) return;
            if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture is not (Architecture.X64 or Architecture.Arm64))
                throw new EngineUnavailableException(
                    $"The embedded ClickHouse engine (chDB) is only available on Linux x64 and arm64, not on {RuntimeInformation.OSDescription} {RuntimeInformation.ProcessArchitecture}.");

            var handle = TryLoad(out var tried);
            if (handle == IntPtr.Zero)
                throw new EngineUnavailableException(
                    $"The embedded ClickHouse engine library ({FileName}) was not found. Looked in: {string.Join(", ", tried)}. " +
                    $"Run 'dotnet pwsh ./build.ps1 Build' in the LlmClusters repository to fetch it, or set {PathVariable} to its full path.");

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
