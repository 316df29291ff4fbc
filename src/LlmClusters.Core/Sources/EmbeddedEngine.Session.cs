using System.Runtime.InteropServices;
using LlmClusters.Core.Native;

namespace LlmClusters.Core.Sources;

/// <summary>The engine's connections to its data folder: opened on the engine thread, closed on shutdown.</summary>
internal static partial class EmbeddedEngine
{
    // On the engine thread only.
    private static ChdbConnectionHandle Open(string path)
    {
        if (_main is not null && string.Equals(_path, path, StringComparison.Ordinal)) return _main;
        ChdbLibrary.EnsureLoadable();
        CloseConnections();

        DataFolderLock.ThrowIfInUse(path);
        var main = Connect(path);
        try
        {
            var control = Connect(path);
            lock (ControlGate) _control = control;
            var probe = Connect(path);
            lock (ProbeGate) _probe = probe;
        }
        catch
        {
            CloseConnections();
            main.Dispose();
            throw;
        }
        _main = main;
        lock (Gate) _path = path;
        return main;
    }

    private static ChdbConnectionHandle Connect(string path)
    {
        var argv = new[] { "clickhouse", "--path=" + path }.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
        IntPtr pointer;
        string engineSaid;
        try
        {
            pointer = StandardError.Capture(() => ChdbNative.Connect(argv.Length, argv), out engineSaid);
        }
        finally
        {
            foreach (var a in argv) Marshal.FreeCoTaskMem(a);
        }
        if (pointer != IntPtr.Zero) return new ChdbConnectionHandle(pointer);
        if (engineSaid.Contains("Cannot lock file", StringComparison.Ordinal)) throw new DataFolderInUseException(path, DataFolderLock.Holder(path));
        throw new EngineUnavailableException($"The embedded engine could not open the data folder '{path}'" +
            (engineSaid.Length > 0 ? $" ({engineSaid.Split('\n', 2)[0].Trim()})." : "."));
    }

    // On the engine thread only.
    private static void CloseConnections()
    {
        Release(ControlGate, ref _control);
        Release(ProbeGate, ref _probe);
        _main?.Dispose();
        _main = null;
        lock (Gate) _path = null;
    }

    /// <summary>Closes a helper connection, unless a call on it has not returned in seconds: then it is left, never waited for.</summary>
    private static void Release(object gate, ref ChdbConnectionHandle? connection)
    {
        if (!Monitor.TryEnter(gate, TimeSpan.FromSeconds(5))) return;
        try
        {
            connection?.Dispose();
            connection = null;
        }
        finally
        {
            Monitor.Exit(gate);
        }
    }
}
