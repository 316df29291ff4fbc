using System.Diagnostics;
using System.Runtime.InteropServices;
using LlmClusters.Core.Native;

namespace LlmClusters.Core.Sources;

/// <summary>Stopping a statement: Ctrl+C, the time limit, and the watchdog over a statement that never ends.</summary>
internal static partial class EmbeddedEngine
{
    private static void Cancel(Job job)
    {
        lock (Gate)
        {
            if (job.Done.Task.IsCompleted) return;
            if (!ReferenceEquals(_running, job))
            {
                job.Done.TrySetCanceled(); // still waiting its turn: the engine thread skips it
                return;
            }
            if (!MarkKilled(job, KillReason.Cancelled)) return;
        }
        SendKill(job);
    }

    /// <summary>Under Gate: records why the statement is being stopped; false when it already was.</summary>
    private static bool MarkKilled(Job job, KillReason reason)
    {
        if (job.Killed != KillReason.None) return false;
        job.Killed = reason;
        job.KilledAt = Stopwatch.GetTimestamp();
        return true;
    }

    /// <summary>
    /// Asks the engine, through the control connection, to stop the statement, on a pool thread: whoever asks (Ctrl+C's
    /// thread, the watchdog, process exit) must not wait on an engine that may not answer.
    /// </summary>
    private static void SendKill(Job job)
    {
        job.KillSentAt = Stopwatch.GetTimestamp();
        Task.Run(() =>
        {
            lock (ControlGate)
            {
                if (_control is null) return;
                using var result = Invoke(_control, "KILL QUERY WHERE Settings['log_comment'] = {marker:String} ASYNC", Marker(job), "Null", streamed: false);
            }
        });
    }

    private static IReadOnlyList<KeyValuePair<string, string>> Marker(Job job) => [new("marker", job.Marker)];

    /// <summary>
    /// Once a second while a statement runs: a statement past its limit (which the engine should have ended itself) is
    /// stopped; one that does not end once stopped, that the engine no longer lists as running although it has not
    /// returned, or about which the engine does not answer, becomes an error for its caller and for every statement
    /// after it, until the engine returns from it.
    /// </summary>
    private static void Watch()
    {
        Job job;
        lock (Gate)
        {
            // A streamed statement waiting for its caller to take rows is not the engine's to hurry.
            if (_running is not { Started: > 0 } running || running.GivenUp || running.Phase == JobPhase.Delivering) return;
            job = running;
            if (job.Phase == JobPhase.Preparing)
            {
                // Opening a folder or setting up the statement takes a moment; one that never ends is a hang too.
                if (job.Elapsed > Timings.StuckGrace * 4)
                    GiveUp(job, $"it has not opened the data folder or set up a statement ({job.Name}) in {job.Elapsed.TotalSeconds:0} s");
                return;
            }
            if (job.TimeLimit > TimeSpan.Zero && job.Elapsed > job.TimeLimit + Timings.KillGrace && MarkKilled(job, KillReason.Watchdog))
            {
                SendKill(job);
                return;
            }
            if (job.Killed != KillReason.None)
            {
                if (Stopwatch.GetElapsedTime(job.KilledAt) > Timings.StuckGrace)
                {
                    GiveUp(job, $"a statement ({job.Name}) has not ended {Timings.StuckGrace.TotalSeconds:0} s after it was stopped");
                    return;
                }
                // A stop sent just before the statement showed in system.processes found nothing to stop: send it again.
                if (Stopwatch.GetElapsedTime(job.KillSentAt) > Timings.KillResend) SendKill(job);
                return;
            }
            if (job.ProbeStarted > 0 && Stopwatch.GetElapsedTime(job.ProbeStarted) > Timings.StuckGrace)
            {
                GiveUp(job, $"the engine has not answered for {Timings.StuckGrace.TotalSeconds:0} s while running a statement ({job.Name})");
                return;
            }
            if (job.Elapsed < Timings.ProbeAfter || job.ProbeStarted > 0) return;
            job.ProbeStarted = Stopwatch.GetTimestamp();
        }
        Task.Run(() =>
        {
            var listed = IsListed(job);
            lock (Gate)
            {
                job.ProbeStarted = 0;
                job.UnlistedProbes = listed ? 0 : job.UnlistedProbes + 1;
                if (job.UnlistedProbes >= 3 && ReferenceEquals(_running, job) && !job.GivenUp)
                    GiveUp(job, $"a statement ({job.Name}) no longer runs in the engine, yet the engine has not returned from it");
            }
        });
    }

    /// <summary>Asks, on the probe connection (never the one that stops statements, which must stay free), whether the statement still runs.</summary>
    private static bool IsListed(Job job)
    {
        lock (ProbeGate)
        {
            if (_probe is null) return true;
            using var result = Invoke(_probe, "SELECT count() FROM system.processes WHERE Settings['log_comment'] = {marker:String}", Marker(job), "TSV", streamed: false);
            if (ErrorText(result) is not null) return true;
            var length = checked((int)ChdbNative.ResultLength(result));
            return length > 0 && Marshal.PtrToStringUTF8(ChdbNative.ResultBuffer(result), length).Trim() != "0";
        }
    }

    /// <summary>Under Gate: the statement's caller gets an error, and so does every statement until the engine returns from it.</summary>
    private static void GiveUp(Job job, string what)
    {
        job.GivenUp = true;
        _stuck = what;
        job.Done.TrySetException(new EngineNotRespondingException(what));
    }
}
