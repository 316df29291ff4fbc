using System.Runtime.InteropServices;
using System.Text;
using LlmClusters.Core.Native;
using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>
/// The one chDB engine of this process. chDB allows one storage path per process and one statement at a time on a
/// connection, so every call takes the same lock, and moving to another folder closes the engine first.
/// </summary>
internal static class EmbeddedEngine
{
    private static readonly object Gate = new();
    private static ChdbConnectionHandle? _connection;
    private static string? _path;
    private static bool _exitHooked;

    public static string? OpenPath
    {
        get { lock (Gate) return _path; }
    }

    /// <summary>
    /// Runs SQL whose parameters are already in ClickHouse's text form and returns the output in the asked-for format:
    /// what a stand-in for ClickHouse's HTTP interface over this engine (the ClickHouse source's tests) needs.
    /// </summary>
    public static byte[] RunRaw(string path, string sql, string format, IReadOnlyList<KeyValuePair<string, string>> parameters)
    {
        lock (Gate)
        {
            var connection = Open(path);
            using var result = Invoke(connection, sql, parameters, format);
            ThrowIfFailed(result, "RawQuery");
            var length = checked((int)ChdbNative.ResultLength(result));
            var bytes = new byte[length];
            if (length > 0) Marshal.Copy(ChdbNative.ResultBuffer(result), bytes, 0, length);
            return bytes;
        }
    }

    public static QueryResult Run(string path, SqlQuery query, string? dataText = null)
    {
        lock (Gate)
        {
            var connection = Open(path);
            var sql = dataText is null ? query.Text : query.Text + "\n" + dataText;
            using var result = Invoke(connection, sql, query.BoundValues());
            ThrowIfFailed(result, query.Name);
            var length = checked((int)ChdbNative.ResultLength(result));
            var buffer = ChdbNative.ResultBuffer(result);
            if (length == 0 || buffer == IntPtr.Zero) return new QueryResult(Array.Empty<QueryColumn>(), Array.Empty<object?[]>());
            unsafe
            {
                // Parsed straight from the engine's buffer, before the result is freed: no copy of large payloads.
                return ClickHouseValueReader.Read(new ReadOnlySpan<byte>((void*)buffer, length), (long)ChdbNative.ResultRowsRead(result));
            }
        }
    }

    /// <summary>Closes the engine; the next query opens it again. Called on module removal and process exit.</summary>
    public static void Shutdown()
    {
        lock (Gate)
        {
            _connection?.Dispose();
            _connection = null;
            _path = null;
        }
    }

    private static ChdbConnectionHandle Open(string path)
    {
        if (_connection is not null && string.Equals(_path, path, StringComparison.Ordinal)) return _connection;
        ChdbLibrary.EnsureLoadable();
        _connection?.Dispose();
        _connection = null;
        _path = null;

        var arguments = new[] { "clickhouse", "--path=" + path };
        var argv = arguments.Select(Marshal.StringToCoTaskMemUTF8).ToArray();
        IntPtr pointer;
        try
        {
            pointer = ChdbNative.Connect(argv.Length, argv);
        }
        finally
        {
            foreach (var a in argv) Marshal.FreeCoTaskMem(a);
        }
        if (pointer == IntPtr.Zero)
            throw new EngineUnavailableException($"The embedded engine could not open the data folder '{path}'.");

        var handle = new ChdbConnectionHandle(pointer);
        // Every time the module reads or writes is UTC, whatever the machine's zone.
        using (var setup = Invoke(handle, "SET session_timezone = 'UTC'", Array.Empty<KeyValuePair<string, string>>()))
            ThrowIfFailed(setup, "SetSessionTimeZone");
        _connection = handle;
        _path = path;
        if (!_exitHooked)
        {
            // A process that exits with the engine still open was seen to stall for minutes.
            AppDomain.CurrentDomain.ProcessExit += (_, _) => Shutdown();
            _exitHooked = true;
        }
        return handle;
    }

    private static void ThrowIfFailed(ChdbResultHandle result, string queryName)
    {
        if (result.IsInvalid) throw new AnalyticsQueryException(queryName, 0, string.Empty, "The embedded engine returned no result.");
        var error = ChdbNative.ResultError(result);
        if (error != IntPtr.Zero)
            throw AnalyticsQueryException.FromClickHouseText(queryName, Marshal.PtrToStringUTF8(error) ?? "unknown engine error");
    }

    private static ChdbResultHandle Invoke(ChdbConnectionHandle connection, string sql, IReadOnlyList<KeyValuePair<string, string>> parameters,
        string outputFormat = ClickHouseValueReader.Format)
    {
        var query = Encoding.UTF8.GetBytes(sql);
        var format = Encoding.UTF8.GetBytes(outputFormat);
        var count = parameters.Count;
        var names = new IntPtr[count];
        var values = new IntPtr[count];
        var nameLengths = new nuint[count];
        var valueLengths = new nuint[count];
        try
        {
            for (var i = 0; i < count; i++)
            {
                names[i] = Utf8(parameters[i].Key, out nameLengths[i]);
                values[i] = Utf8(parameters[i].Value, out valueLengths[i]);
            }
            var added = false;
            connection.DangerousAddRef(ref added);
            try
            {
                var raw = ChdbNative.QueryWithParameters(
                    connection.Connection, query, (nuint)query.Length, format, (nuint)format.Length,
                    count == 0 ? null : names, count == 0 ? null : nameLengths,
                    count == 0 ? null : values, count == 0 ? null : valueLengths, (nuint)count);
                return new ChdbResultHandle(raw);
            }
            finally
            {
                if (added) connection.DangerousRelease();
            }
        }
        finally
        {
            foreach (var p in names) if (p != IntPtr.Zero) Marshal.FreeHGlobal(p);
            foreach (var p in values) if (p != IntPtr.Zero) Marshal.FreeHGlobal(p);
        }
    }

    private static IntPtr Utf8(string text, out nuint length)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var memory = Marshal.AllocHGlobal(bytes.Length + 1);
        Marshal.Copy(bytes, 0, memory, bytes.Length);
        Marshal.WriteByte(memory, bytes.Length, 0);
        length = (nuint)bytes.Length;
        return memory;
    }
}
