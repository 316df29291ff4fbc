namespace LlmClusters.Core.Sources;

/// <summary>What hosts may do with the process-wide embedded engine.</summary>
public static class EngineControl
{
    /// <summary>Closes the engine if it is open; the next embedded query opens it again. False when it would not close in time.</summary>
    public static bool Shutdown() => EmbeddedEngine.Shutdown();
}
