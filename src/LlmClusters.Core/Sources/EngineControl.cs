namespace LlmClusters.Core.Sources;

/// <summary>What hosts may do with the process-wide embedded engine.</summary>
public static class EngineControl
{
    /// <summary>The data folder the engine has open, or null.</summary>
    public static string? OpenPath => EmbeddedEngine.OpenPath;

    /// <summary>Closes the engine if it is open; the next embedded query opens it again.</summary>
    public static void Shutdown() => EmbeddedEngine.Shutdown();
}
