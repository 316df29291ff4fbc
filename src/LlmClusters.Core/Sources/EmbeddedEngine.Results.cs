using System.Threading.Channels;
using LlmClusters.Core.Model;
using LlmClusters.Core.Native;
using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>How a statement's output reaches its reader: whole, or streamed chunk by chunk with back-pressure.</summary>
internal static partial class EmbeddedEngine
{
    /// <summary>Runs the job's statement and reads its whole output with the job's reader, straight from the engine's buffer.</summary>
    private static void Materialize(ChdbConnectionHandle main, Job job)
    {
        using var result = Invoke(main, job.Sql, job.BoundValues, job.Format, streamed: false);
        if (ErrorText(result) is { } error) Fail(main, job, error);
        // Read before the result is freed: no copy of large payloads.
        else job.Done.TrySetResult(job.Read!(Output(result)));
    }

    /// <summary>
    /// Runs the job's statement chunk by chunk, each handed to the caller before the next is made. A statement that
    /// writes, or that chDB cannot stream (SHOW, EXPLAIN), runs whole and arrives as one chunk.
    /// </summary>
    private static void Stream(ChdbConnectionHandle main, Job job, ChannelWriter<byte[]> output)
    {
        if (!job.Whole)
        {
            using var stream = Invoke(main, job.Sql, job.BoundValues, job.Format, streamed: true);
            if (ErrorText(stream) is not { } startError)
            {
                StreamChunks(main, job, output, stream);
                return;
            }
            if (!startError.Contains("Streaming query is not supported", StringComparison.Ordinal))
            {
                Fail(main, job, startError);
                return;
            }
        }
        using var whole = Invoke(main, job.Sql, job.BoundValues, job.Format, streamed: false);
        if (ErrorText(whole) is { } error) Fail(main, job, error);
        else if (Output(whole) is { Length: > 0 } all && !DeliverWhole(job, output, all.ToArray())) job.Done.TrySetCanceled();
        else job.Done.TrySetResult(null);
    }

    /// <summary>
    /// The most of a result held in memory when another statement needs the engine before the caller has read it all
    /// (see <see cref="StreamChunks"/>); tests lower it.
    /// </summary>
    internal static long SetAsideLimit { get; set; } = 256L * 1024 * 1024;

    /// <summary>
    /// Hands the statement's chunks to the caller one at a time. The engine serves one statement at a time, so while it
    /// waits for a caller that is slow to take a chunk, and another statement (a command run for each row of this one,
    /// or another runspace's) waits for the engine, the rest of the result is set aside in memory (up to
    /// <see cref="SetAsideLimit"/>) and the engine moves on; the caller then reads the rest from memory. Without that,
    /// a command run for each row would wait for the engine forever.
    /// </summary>
    private static void StreamChunks(ChdbConnectionHandle main, Job job, ChannelWriter<byte[]> output, ChdbResultHandle stream)
    {
        List<byte[]>? aside = null;
        long asideBytes = 0;
        Task? inFlight = null;
        void Stop()
        {
            var added = false;
            main.DangerousAddRef(ref added);
            try { ChdbNative.StreamCancel(main.Connection, stream); }
            finally { if (added) main.DangerousRelease(); }
        }
        void Finish()
        {
            if (aside is not null) HandOff(job, output, inFlight!, aside);
            job.Done.TrySetResult(null);
        }

        while (true)
        {
            byte[] chunk;
            using (var fetched = Fetch(main, stream))
            {
                if (ErrorText(fetched) is { } error)
                {
                    // chDB 26.5.3 says this when a statement has ended without a chunk: no row, or stopped by KILL.
                    if (error == "No active streaming query" && job.Killed == KillReason.None)
                    {
                        Finish();
                        return;
                    }
                    Fail(main, job, error == "No active streaming query" ? "Code: 394. DB::Exception: Query was cancelled. (QUERY_WAS_CANCELLED)" : error);
                    return;
                }
                chunk = Output(fetched).ToArray();
            }
            if (chunk.Length == 0)
            {
                Finish();
                return;
            }
            if (aside is not null)
            {
                aside.Add(chunk);
                asideBytes += chunk.Length;
                if (asideBytes <= SetAsideLimit) continue;
                Stop();
                job.Done.TrySetException(new AnalyticsQueryException(job.Name, FailureKind.QueryFailed,
                    $"Another statement needed the engine while this result was still being read (a command run for each of its rows, or another " +
                    $"runspace's), and more than {SetAsideLimit / 1024 / 1024} MiB of it would have had to wait in memory. Collect the result first " +
                    "($rows = Invoke-LlmQuery ...) and then work on each row, or ask for fewer rows.", 0, "RESULT_SET_ASIDE_TOO_LARGE"));
                return;
            }
            switch (Deliver(job, output, chunk, out inFlight))
            {
                case Delivery.Gone:
                    Stop();
                    job.Done.TrySetCanceled();
                    return;
                case Delivery.OthersWaiting:
                    aside = [];
                    break;
            }
        }
    }

    /// <summary>A whole result is one chunk: waiting for the caller to take it, the engine hands it off when others wait.</summary>
    private static bool DeliverWhole(Job job, ChannelWriter<byte[]> output, byte[] chunk)
    {
        switch (Deliver(job, output, chunk, out var inFlight))
        {
            case Delivery.Gone: return false;
            case Delivery.OthersWaiting: HandOff(job, output, inFlight, []); return true;
            default: return true;
        }
    }

    private enum Delivery
    {
        Taken,
        Gone,
        OthersWaiting,
    }

    /// <summary>
    /// Waits for the caller to take a chunk, as long as the caller takes, unless another statement waits for the engine
    /// meanwhile (then the chunk stays in flight, <paramref name="inFlight"/>).
    /// </summary>
    private static Delivery Deliver(Job job, ChannelWriter<byte[]> output, byte[] chunk, out Task inFlight)
    {
        lock (Gate) job.Phase = JobPhase.Delivering;
        try
        {
            inFlight = output.WriteAsync(chunk, job.ConsumerGone).AsTask();
            while (true)
            {
                if (inFlight.Wait(Timings.OthersWaitingCheck)) return Delivery.Taken;
                if (Queue.Count > 0) return Delivery.OthersWaiting;
            }
        }
        catch (AggregateException e) when (e.InnerException is OperationCanceledException or ChannelClosedException)
        {
            inFlight = Task.CompletedTask;
            return Delivery.Gone;
        }
        finally
        {
            lock (Gate) job.Phase = JobPhase.Running;
        }
    }

    /// <summary>The chunks set aside go to the caller from memory, after the one in flight; the engine is free meanwhile.</summary>
    private static void HandOff(Job job, ChannelWriter<byte[]> output, Task inFlight, List<byte[]> aside)
    {
        job.HandedOff = true;
        _ = Task.Run(async () =>
        {
            try
            {
                await inFlight.ConfigureAwait(false);
                foreach (var chunk in aside) await output.WriteAsync(chunk, job.ConsumerGone).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
                // The caller stopped reading.
            }
            finally
            {
                output.TryComplete();
            }
        });
    }

    private static unsafe ReadOnlySpan<byte> Output(ChdbResultHandle result)
    {
        var length = checked((int)ChdbNative.ResultLength(result));
        var buffer = ChdbNative.ResultBuffer(result);
        return length == 0 || buffer == IntPtr.Zero ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>((void*)buffer, length);
    }
}
