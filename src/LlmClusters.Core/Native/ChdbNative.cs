using System.Runtime.InteropServices;

namespace LlmClusters.Core.Native;

/// <summary>The part of chDB's C API (chdb.h, 26.5) that the module uses.</summary>
internal static partial class ChdbNative
{
    public const string LibraryName = "chdb";

    // Returns chdb_connection* (a pointer to the connection pointer), or null when the engine cannot start.
    [LibraryImport(LibraryName, EntryPoint = "chdb_connect")]
    public static partial IntPtr Connect(int argc, IntPtr[] argv);

    [LibraryImport(LibraryName, EntryPoint = "chdb_close_conn")]
    public static partial void CloseConnection(IntPtr connectionPointer);

    [LibraryImport(LibraryName, EntryPoint = "chdb_query_with_params_n")]
    public static partial IntPtr QueryWithParameters(
        IntPtr connection,
        ReadOnlySpan<byte> query, nuint queryLength,
        ReadOnlySpan<byte> format, nuint formatLength,
        IntPtr[]? names, nuint[]? nameLengths,
        IntPtr[]? values, nuint[]? valueLengths,
        nuint count);

    // A streamed statement: the handle is a result (its error tells whether the statement started); each fetch
    // returns the next chunk of whole rows, an empty one at the end, or an error.
    [LibraryImport(LibraryName, EntryPoint = "chdb_stream_query_with_params_n")]
    public static partial IntPtr StreamQueryWithParameters(
        IntPtr connection,
        ReadOnlySpan<byte> query, nuint queryLength,
        ReadOnlySpan<byte> format, nuint formatLength,
        IntPtr[]? names, nuint[]? nameLengths,
        IntPtr[]? values, nuint[]? valueLengths,
        nuint count);

    [LibraryImport(LibraryName, EntryPoint = "chdb_stream_fetch_result")]
    public static partial IntPtr StreamFetch(IntPtr connection, ChdbResultHandle stream);

    [LibraryImport(LibraryName, EntryPoint = "chdb_stream_cancel_query")]
    public static partial void StreamCancel(IntPtr connection, ChdbResultHandle stream);

    [LibraryImport(LibraryName, EntryPoint = "chdb_result_buffer")]
    public static partial IntPtr ResultBuffer(ChdbResultHandle result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_result_length")]
    public static partial nuint ResultLength(ChdbResultHandle result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_result_error")]
    public static partial IntPtr ResultError(ChdbResultHandle result);

    [LibraryImport(LibraryName, EntryPoint = "chdb_destroy_query_result")]
    public static partial void DestroyQueryResult(IntPtr result);
}
