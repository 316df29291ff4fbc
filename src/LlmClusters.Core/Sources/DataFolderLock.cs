using System.Diagnostics;
using System.Text.RegularExpressions;

namespace LlmClusters.Core.Sources;

/// <summary>
/// Tells whether another process has an embedded store open. ClickHouse holds an exclusive advisory lock (flock) on
/// the folder's <c>status</c> file while it runs, and .NET takes the same kind of lock for FileShare.None on Unix, so
/// trying to open it that way answers the question before the engine prints its own complaint.
/// </summary>
internal static partial class DataFolderLock
{
    public static void ThrowIfInUse(string path)
    {
        var status = Path.Combine(path, "status");
        if (!File.Exists(status)) return;
        try
        {
            using var probe = new FileStream(status, FileMode.Open, FileAccess.Read, FileShare.None);
        }
        catch (IOException)
        {
            throw new DataFolderInUseException(path, Holder(path));
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to read: the engine will say what it can.
        }
    }

    /// <summary>The process that holds the folder, as its status file names it ("PID: 1234"), or null.</summary>
    public static string? Holder(string path)
    {
        var match = Pid().Match(Native.LibC.ReadStart(Path.Combine(path, "status")) ?? string.Empty);
        if (!match.Success) return null;
        var pid = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            using var process = Process.GetProcessById(pid);
            return $"process {pid} ({process.ProcessName})";
        }
        catch (ArgumentException)
        {
            return $"process {pid}";
        }
    }

    [GeneratedRegex(@"^PID:\s*(\d+)", RegexOptions.Multiline)]
    private static partial Regex Pid();
}
