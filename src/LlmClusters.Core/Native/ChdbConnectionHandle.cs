using System.Runtime.InteropServices;

namespace LlmClusters.Core.Native;

/// <summary>Owns the engine connection (a chdb_connection*) and closes it exactly once.</summary>
internal sealed class ChdbConnectionHandle : SafeHandle
{
    public ChdbConnectionHandle(IntPtr connectionPointer) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(connectionPointer);

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>The chdb_connection that queries take: the value the connection pointer points at.</summary>
    public IntPtr Connection => Marshal.ReadIntPtr(handle);

    protected override bool ReleaseHandle()
    {
        ChdbNative.CloseConnection(handle);
        return true;
    }
}
