using System.Runtime.InteropServices;

namespace LlmClusters.Core.Native;

/// <summary>The few C library calls .NET does not offer: file descriptors as they are, without .NET's advisory locks.</summary>
internal static partial class LibC
{
    public const int ReadOnly = 0x0;          // O_RDONLY
    public const int WriteCreate = 0x41;      // O_WRONLY | O_CREAT, on Linux, the only platform chDB ships for

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "read")]
    public static partial nint Read(int descriptor, Span<byte> buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "dup")]
    public static partial int Dup(int descriptor);

    [LibraryImport("libc", EntryPoint = "dup2")]
    public static partial int Dup2(int from, int to);

    [LibraryImport("libc", EntryPoint = "close")]
    public static partial int Close(int descriptor);

    /// <summary>
    /// The start of a file, read without taking a lock: .NET takes a shared advisory lock to open any file for reading,
    /// which fails while another process (the engine) holds an exclusive one on it.
    /// </summary>
    public static string? ReadStart(string path, int bytes = 4096)
    {
        if (!OperatingSystem.IsLinux()) return null;
        var descriptor = Open(path, ReadOnly, 0);
        if (descriptor < 0) return null;
        try
        {
            var buffer = new byte[bytes];
            var read = Read(descriptor, buffer, (nuint)bytes);
            return read < 0 ? null : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)read);
        }
        finally
        {
            _ = Close(descriptor); // best effort: the bytes are read
        }
    }
}
