using System.Runtime.InteropServices;
using System.Text;
using LlmClusters.Core.Native;

namespace LlmClusters.Core.Sources;

/// <summary>The calls into libchdb, with their UTF-8 strings and result handles.</summary>
internal static partial class EmbeddedEngine
{
    private static string? ErrorText(ChdbResultHandle result)
    {
        if (result.IsInvalid) return "The embedded engine returned no result.";
        var error = ChdbNative.ResultError(result);
        return error == IntPtr.Zero ? null : Marshal.PtrToStringUTF8(error) ?? "unknown engine error";
    }

    private static ChdbResultHandle Invoke(ChdbConnectionHandle connection, string sql, IReadOnlyList<KeyValuePair<string, string>> parameters, string outputFormat,
        bool streamed)
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
                var raw = streamed
                    ? ChdbNative.StreamQueryWithParameters(
                        connection.Connection, query, (nuint)query.Length, format, (nuint)format.Length,
                        count == 0 ? null : names, count == 0 ? null : nameLengths,
                        count == 0 ? null : values, count == 0 ? null : valueLengths, (nuint)count)
                    : ChdbNative.QueryWithParameters(
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

    /// <summary>The next chunk of a streamed statement.</summary>
    private static ChdbResultHandle Fetch(ChdbConnectionHandle connection, ChdbResultHandle stream)
    {
        var added = false;
        connection.DangerousAddRef(ref added);
        try
        {
            return new ChdbResultHandle(ChdbNative.StreamFetch(connection.Connection, stream));
        }
        finally
        {
            if (added) connection.DangerousRelease();
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
