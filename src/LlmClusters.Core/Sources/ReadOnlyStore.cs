using System.Security.Cryptography;
using System.Text;

namespace LlmClusters.Core.Sources;

/// <summary>
/// A store in a folder this process cannot write (a read-only mount, someone else's share). The engine writes beside
/// its data as it starts (a status file with its lock, tmp/) and cannot be told not to: chDB 26.5 refuses such a
/// folder, and its read-only disks still create folders. So the store is opened through a mirror: the same folders in
/// a private temporary place, each file a link to the original, which is only ever read. The source refuses writes.
/// </summary>
internal static class ReadOnlyStore
{
    /// <summary>Does the folder hold an embedded store (what the engine writes when it first opens a folder)?</summary>
    public static bool IsStore(string path) =>
        Directory.Exists(Path.Combine(path, "metadata")) && (Directory.Exists(Path.Combine(path, "store")) || Directory.Exists(Path.Combine(path, "data")));

    private const string Prefix = "llmclusters-read-only-";

    /// <summary>
    /// This process's mirror of a read-only store, made afresh unless the engine has it open already. Each process has
    /// its own (the engine locks the folder it opens), and mirrors whose process has ended are removed.
    /// </summary>
    public static string Mirror(string store)
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(store)))[..16].ToLowerInvariant();
        var mirror = Path.Combine(Path.GetTempPath(), $"{Prefix}{hash}-{Environment.ProcessId}");
        if (string.Equals(EmbeddedEngine.OpenPath, mirror, StringComparison.Ordinal)) return mirror;
        RemoveAbandoned();
        if (Directory.Exists(mirror)) Directory.Delete(mirror, recursive: true);
        Directory.CreateDirectory(mirror);
        Copy(new DirectoryInfo(store), mirror, store);
        return mirror;
    }

    private static void RemoveAbandoned()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            if (!int.TryParse(folder[(folder.LastIndexOf('-') + 1)..], out var pid) || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try { Directory.Delete(folder, recursive: true); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static void Copy(DirectoryInfo source, string target, string root)
    {
        foreach (var entry in source.EnumerateFileSystemInfos())
        {
            var to = Path.Combine(target, entry.Name);
            if (entry.LinkTarget is { } link)
                // The store's own links (metadata/<database> to store/...) are relative: they point into the mirror too.
                File.CreateSymbolicLink(to, link);
            else if (entry is DirectoryInfo directory)
            {
                // The engine's scratch space and lock are its own, not the store's.
                if (directory.FullName == Path.Combine(root, "tmp")) { Directory.CreateDirectory(to); continue; }
                Directory.CreateDirectory(to);
                Copy(directory, to, root);
            }
            else if (entry.Name != "status" || source.FullName != root)
                File.CreateSymbolicLink(to, entry.FullName);
        }
    }
}
