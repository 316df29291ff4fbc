namespace LlmClusters.Bench;

/// <summary>Samples the managed heap while a piece of work runs, and keeps the highest reading above where it started.</summary>
internal sealed class PeakMemory : IDisposable
{
    private readonly long _start;
    private readonly Thread _sampler;
    private volatile bool _stop;
    private long _peak;

    public PeakMemory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        _start = GC.GetTotalMemory(false);
        _peak = _start;
        _sampler = new Thread(() =>
        {
            while (!_stop)
            {
                var now = GC.GetTotalMemory(false);
                if (now > Interlocked.Read(ref _peak)) Interlocked.Exchange(ref _peak, now);
                Thread.Sleep(1);
            }
        }) { IsBackground = true };
        _sampler.Start();
    }

    public long PeakBytes => Math.Max(0, Interlocked.Read(ref _peak) - _start);

    /// <summary>The process's peak resident memory so far (VmHWM: .NET, the engine and everything else together).</summary>
    public static long ResidentPeakBytes() =>
        File.ReadLines("/proc/self/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024).FirstOrDefault();

    public void Dispose()
    {
        _stop = true;
        _sampler.Join();
    }
}
