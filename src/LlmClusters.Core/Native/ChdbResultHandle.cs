using System.Runtime.InteropServices;

namespace LlmClusters.Core.Native;

/// <summary>Owns one chdb_result and frees it exactly once, even when reading it throws.</summary>
internal sealed class ChdbResultHandle : SafeHandle
{
    public ChdbResultHandle() : base(IntPtr.Zero, ownsHandle: true) { }

    public ChdbResultHandle(IntPtr result) : base(IntPtr.Zero, ownsHandle: true) => SetHandle(result);

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        ChdbNative.DestroyQueryResult(handle);
        return true;
    }
}
