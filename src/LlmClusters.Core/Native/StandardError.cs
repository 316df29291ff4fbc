namespace LlmClusters.Core.Native;

/// <summary>
/// Holds back what native code writes to the process's standard error while it runs: chDB prints its start-up
/// failures there ("Cannot lock file .../status"), which would land raw on the user's console. The text is kept so
/// the module can say what went wrong in its own words. Written by hand: .NET has no way to redirect file descriptor 2.
/// Descriptor 2 is the process's, so for the moment a connect takes (well under a second) what other threads write to
/// standard error is held back too, and dropped with the engine's text.
/// </summary>
internal static class StandardError
{
    private const int Descriptor = 2;

    public static T Capture<T>(Func<T> work, out string captured)
    {
        captured = string.Empty;
        if (!OperatingSystem.IsLinux()) return work(); // LibC's flags are Linux's, and chDB ships for Linux only
        var file = Path.Combine(Path.GetTempPath(), "llmclusters-stderr-" + Guid.NewGuid().ToString("N"));
        var target = LibC.Open(file, LibC.WriteCreate, 0x180 /* 0600 */);
        var saved = target < 0 ? -1 : LibC.Dup(Descriptor);
        if (saved < 0 || LibC.Dup2(target, Descriptor) < 0)
        {
            // Closing is best effort here and below: a descriptor that fails to close leaves nothing to undo.
            if (target >= 0) _ = LibC.Close(target);
            if (saved >= 0) _ = LibC.Close(saved);
            TryDelete(file);
            return work();
        }
        try
        {
            return work();
        }
        finally
        {
            _ = LibC.Dup2(saved, Descriptor);
            _ = LibC.Close(saved);
            _ = LibC.Close(target);
            try { captured = File.ReadAllText(file).Trim(); } catch (IOException) { }
            TryDelete(file);
        }
    }

    private static void TryDelete(string file)
    {
        try { File.Delete(file); } catch (IOException) { }
    }
}
