using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using LlmClusters.Core.Native;
using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>
/// The one chDB engine of this process, driven from one thread of its own. chDB takes one storage path per process
/// and one statement at a time per connection, and ClickHouse keeps per-thread state, so every open, statement and
/// close runs on that thread, in order. A second connection to the same folder (the control connection) is used only
/// to look at and stop the running statement: for Ctrl+C, and for the watchdog that turns a statement the engine does
/// not end into an error instead of a hang.
/// </summary>
internal static class EmbeddedEngine
{
    private const int TimeoutExceeded = 159;
    private const int QueryWasCancelled = 394;

    private static readonly object Gate = new();
    private static readonly object ControlGate = new();
    private static readonly BlockingCollection<Job> Queue = new();
    private static Thread? _worker;

    // Under Gate.
    private static Job? _running;
    private static string? _stuck;
    private static string? _path;

    // The main connection is the engine thread's alone; the control connection (stops statements) is used under
    // ControlGate, the probe connection (asks whether one still runs) under ProbeGate.
    private static readonly object ProbeGate = new();
    private static ChdbConnectionHandle? _main;
    private static ChdbConnectionHandle? _control;
    private static ChdbConnectionHandle? _probe;

    /// <summary>The data folder the engine has open, or null.</summary>
    public static string? OpenPath
    {
        get { lock (Gate) return _path; }
    }

    /// <summary>
    /// What the next statement will wait for: a statement that was stopped but has not ended yet (chDB stops a
    /// statement between blocks of work), or null when the engine is free.
    /// </summary>
    public static string? StillFinishing
    {
        get
        {
            lock (Gate)
                return _running is { } job && job.Killed != KillReason.None
                    ? $"The embedded engine is still finishing a stopped statement ({job.Name}, {job.Elapsed.TotalSeconds:0} s so far); this statement waits for it."
                    : null;
        }
    }

    /// <summary>
    /// Runs one statement whole, with parameters already in ClickHouse's text form, and reads its output (in
    /// <paramref name="format"/>) with <paramref name="read"/> before the engine frees it. The engine ends the statement
    /// by itself after <paramref name="timeLimit"/> (zero: no limit); cancelling stops it in the engine. Only the test
    /// stand-ins for ClickHouse's HTTP interface and PostHog's query API use it (through <see cref="RunRaw"/>): the
    /// sources stream (<see cref="StreamAsync"/>).
    /// </summary>
    private static async Task<T> RunAsync<T>(string path, string name, string sql, IReadOnlyList<KeyValuePair<string, string>> boundValues,
        TimeSpan timeLimit, bool readOnly, string format, Func<ReadOnlySpan<byte>, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var job = new Job(path, name, sql, boundValues, timeLimit, readOnly, format, output => read(output));
        Submit(job);
        using (cancellationToken.Register(() => Cancel(job)))
        {
            try
            {
                return (T)(await job.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false))!;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !job.Done.Task.IsCompleted)
            {
                // The engine was asked to stop the statement; give it a moment, so that the next command finds it free.
                await ((Task)job.Done.Task).WaitAsync(Timings.CancelWait, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }
        }
    }

    /// <summary>
    /// Runs SQL whose parameters are already in ClickHouse's text form and returns its output as the engine wrote it:
    /// what the tests' stand-ins for ClickHouse's HTTP interface and PostHog's query API serve.
    /// </summary>
    internal static byte[] RunRaw(string path, string sql, string format, IReadOnlyList<KeyValuePair<string, string>> parameters, TimeSpan timeLimit = default) =>
        RunAsync(path, "RawQuery", sql, parameters, timeLimit, false, format, output => output.ToArray(), CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>
    /// Runs one statement and hands over its output chunk by chunk as the engine makes it, each chunk whole rows in
    /// <paramref name="format"/>: a result is never held whole, and the engine makes the next chunk only once the
    /// caller has taken the one before. The time limit counts the whole statement, the time the caller spends on its
    /// rows included. Stopping the enumeration, or cancelling, stops the statement in the engine. A statement that
    /// writes, or that chDB cannot stream (anything but a query), runs whole and arrives as one chunk.
    /// </summary>
    public static async IAsyncEnumerable<byte[]> StreamAsync(string path, SqlQuery query, TimeSpan timeLimit, bool readOnly, string format,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var chunks = Channel.CreateBounded<byte[]>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var consumerGone = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var job = new Job(path, query.Name, query.Text, query.BoundValues(), timeLimit, readOnly, format, read: null)
        {
            Output = chunks.Writer, ConsumerGone = consumerGone.Token, Whole = query.Writes,
        };
        Submit(job);
        using var registration = cancellationToken.Register(() => Cancel(job));
        try
        {
            while (true)
            {
                // A statement can fail while the engine is still inside it (the watchdog gave up on it): its caller hears
                // at once, not when the engine gets out.
                var ready = chunks.Reader.WaitToReadAsync(cancellationToken).AsTask();
                await Task.WhenAny(ready, job.Done.Task).ConfigureAwait(false);
                if (job.Done.Task is { IsFaulted: true } or { IsCanceled: true }) await job.Done.Task.ConfigureAwait(false);
                if (!await ready.ConfigureAwait(false)) break;
                while (chunks.Reader.TryRead(out var chunk))
                    yield return chunk;
            }
            await job.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Whatever still waits for this caller to take a chunk (the engine, or the hand-off of a result set aside) stops.
            await consumerGone.CancelAsync().ConfigureAwait(false);
            if (!job.Done.Task.IsCompleted)
            {
                // The caller stopped early (or Ctrl+C): stop the statement, and give it a moment, so that the next
                // command finds the engine free.
                Cancel(job);
                await ((Task)job.Done.Task).WaitAsync(Timings.CancelWait, CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Closes the engine once the statements before the call have run, waiting at most <paramref name="wait"/>; false
    /// when it did not close in time (it is then left as it is). With <paramref name="stopRunning"/>, the running
    /// statement is stopped first: at process exit, which must not wait for it. Otherwise it is left to finish, since it
    /// may be another runspace's.
    /// </summary>
    public static bool Shutdown(TimeSpan wait, bool stopRunning)
    {
        Job? running;
        lock (Gate)
        {
            if (_worker is null) return true;
            running = stopRunning && _running is { } job && MarkKilled(job, KillReason.Shutdown) ? job : null;
        }
        if (running is not null) SendKill(running);
        var close = Job.ForAction(CloseConnections);
        Queue.Add(close);
        return close.Done.Task.Wait(wait);
    }

    /// <summary>Closes the engine once it is free, waiting as long as someone at a prompt would.</summary>
    public static bool Shutdown() => Shutdown(TimeSpan.FromSeconds(10), stopRunning: false);

    private static void Submit(Job job)
    {
        lock (Gate)
        {
            if (_stuck is { } what) throw new EngineNotRespondingException(what);
            if (_worker is null)
            {
                // Room for the parser's recursion; a background thread, so it never keeps the process alive.
                _worker = new Thread(Work, maxStackSize: 16 * 1024 * 1024) { IsBackground = true, Name = "LlmClusters engine" };
                _worker.Start();
                new Thread(() =>
                {
                    while (true)
                    {
                        Thread.Sleep(Timings.WatchEvery);
                        Watch();
                    }
                })
                { IsBackground = true, Name = "LlmClusters engine watchdog" }.Start();
                // A process that exits with the engine open was seen to stall for minutes, and one that exits while a
                // statement runs must not wait for it: exit waits briefly, then leaves the engine as it is.
                AppDomain.CurrentDomain.ProcessExit += (_, _) => Shutdown(TimeSpan.FromSeconds(2), stopRunning: true);
            }
        }
        Queue.Add(job);
    }

    private static void Work()
    {
        foreach (var job in Queue.GetConsumingEnumerable())
        {
            try
            {
                if (job.Action is { } action)
                {
                    action();
                    job.Done.TrySetResult(null);
                }
                else
                {
                    Execute(job);
                }
            }
            catch (Exception e)
            {
                job.Done.TrySetException(e);
            }
        }
    }

    private static void Execute(Job job)
    {
        lock (Gate)
        {
            if (job.Done.Task.IsCompleted) return; // cancelled while it waited its turn
            _running = job;
            job.Started = Stopwatch.GetTimestamp();
            job.Phase = JobPhase.Preparing;
        }
        try
        {
            var main = Open(job.Path);
            // Before every statement, so that no statement leaves the session changed for the next (Invoke-LlmQuery
            // refuses SET and USE, and these cover what the module relies on): times in UTC, the limit enforced by the
            // engine itself, no writes to a read-only store (readonly 2 still lets these settings change), JSON output
            // that is valid UTF-8 and spells nan and inf, and a mark that finds the statement in system.processes.
            // The values are the module's own (numbers, a GUID), never the user's.
            Run(main, $"SET session_timezone = 'UTC', timeout_overflow_mode = 'throw', max_execution_time = {(long)job.TimeLimit.TotalSeconds}, " +
                      $"readonly = {(job.ReadOnly ? 2 : 0)}, output_format_json_validate_utf8 = 1, output_format_json_quote_denormals = 1, " +
                      $"log_comment = '{job.Marker}'");
            lock (Gate)
            {
                if (job.Killed != KillReason.None)
                {
                    job.Done.TrySetCanceled();
                    return;
                }
                job.Started = Stopwatch.GetTimestamp();
                job.Phase = JobPhase.Running;
            }
            if (job.Output is { } output) Stream(main, job, output);
            else Materialize(main, job);
        }
        finally
        {
            // A result set aside is completed by its hand-off, once the caller has it all.
            if (!job.HandedOff) job.Output?.TryComplete();
            lock (Gate)
            {
                _running = null;
                // A statement the watchdog gave up on has ended after all: the engine answers again.
                if (job.GivenUp) _stuck = null;
            }
        }
    }

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
                job.Done.TrySetException(new AnalyticsQueryException(job.Name, 0, "RESULT_SET_ASIDE_TOO_LARGE",
                    $"Another statement needed the engine while this result was still being read (a command run for each of its rows, or another " +
                    $"runspace's), and more than {SetAsideLimit / 1024 / 1024} MiB of it would have had to wait in memory. Collect the result first " +
                    "($rows = Invoke-LlmQuery ...) and then work on each row, or ask for fewer rows."));
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

    /// <summary>The job failed with the engine's error text: why it was stopped, when it was, decides what its caller sees.</summary>
    private static void Fail(ChdbConnectionHandle main, Job job, string error)
    {
        DiscardLeftOver(main);
        var failure = AnalyticsQueryException.FromClickHouseText(job.Name, error);
        if (failure.Code != QueryWasCancelled) job.Done.TrySetException(failure);
        else if (job.Killed == KillReason.Cancelled) job.Done.TrySetCanceled();
        else if (job.Killed == KillReason.Watchdog) job.Done.TrySetException(PastTimeLimit(job));
        else if (job.Killed == KillReason.Shutdown) job.Done.TrySetException(new AnalyticsQueryException(job.Name, QueryWasCancelled, "QUERY_WAS_CANCELLED",
            "The statement was stopped because the process is exiting."));
        else job.Done.TrySetException(failure);
    }

    private static AnalyticsQueryException PastTimeLimit(Job job) =>
        new(job.Name, TimeoutExceeded, "TIMEOUT_EXCEEDED", $"The statement ran past its time limit of {job.TimeLimit.TotalSeconds:0} s and was stopped.");

    /// <summary>
    /// chDB 26.5.3 keeps what a failed statement wrote before it failed (at least its header) in the connection's output
    /// buffer and hands it out at the front of the next statement's result, which then reads as wrong rows; its newest
    /// source still returns the error without clearing that buffer. So after every failure one empty statement takes
    /// the leftover out, and it is dropped.
    /// </summary>
    private static void DiscardLeftOver(ChdbConnectionHandle main)
    {
        using var leftOver = Invoke(main, "SELECT 1", [], "Null", streamed: false);
    }

    private static void Run(ChdbConnectionHandle connection, string sql)
    {
        using var result = Invoke(connection, sql, [], "Null", streamed: false);
        if (ErrorText(result) is { } error) throw AnalyticsQueryException.FromClickHouseText("PrepareStatement", error);
    }

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

    private enum JobPhase
    {
        Waiting,
        Preparing,
        Running,

        /// <summary>A streamed statement waits for its caller to take a chunk: the engine is not what is slow.</summary>
        Delivering,
    }

    private enum KillReason
    {
        None,
        Cancelled,
        Watchdog,
        Shutdown,
    }

    /// <summary>How long the engine waits before it stops a statement or gives up on it; tests shorten them.</summary>
    internal static class Timings
    {
        public static TimeSpan WatchEvery { get; set; } = TimeSpan.FromSeconds(1);
        public static TimeSpan CancelWait { get; set; } = TimeSpan.FromSeconds(3);
        public static TimeSpan KillGrace { get; set; } = TimeSpan.FromSeconds(10);
        public static TimeSpan KillResend { get; set; } = TimeSpan.FromSeconds(2);
        public static TimeSpan StuckGrace { get; set; } = TimeSpan.FromSeconds(30);
        public static TimeSpan ProbeAfter { get; set; } = TimeSpan.FromSeconds(10);
        public static TimeSpan OthersWaitingCheck { get; set; } = TimeSpan.FromMilliseconds(50);
    }

    /// <summary>One statement (or one open or close of the engine) for the engine thread, and what became of it.</summary>
    private sealed class Job
    {
        public Job(string path, string name, string sql, IReadOnlyList<KeyValuePair<string, string>> boundValues, TimeSpan timeLimit, bool readOnly,
            string format, Func<ReadOnlySpan<byte>, object?>? read)
        {
            ReadOnly = readOnly;
            Path = path;
            Name = name;
            Sql = sql;
            BoundValues = boundValues;
            TimeLimit = timeLimit < TimeSpan.Zero ? TimeSpan.Zero : timeLimit;
            Format = format;
            Read = read;
        }

        private Job(Action action)
        {
            Path = string.Empty;
            Name = "EngineAction";
            Sql = string.Empty;
            BoundValues = [];
            Format = string.Empty;
            Action = action;
        }

        public static Job ForAction(Action action) => new(action);

        public string Path { get; }
        public string Name { get; }
        public string Sql { get; }
        public IReadOnlyList<KeyValuePair<string, string>> BoundValues { get; }
        public TimeSpan TimeLimit { get; }
        public bool ReadOnly { get; }
        public string Format { get; }
        public Func<ReadOnlySpan<byte>, object?>? Read { get; }

        /// <summary>A streamed statement: where its chunks go, and the sign that their taker is gone.</summary>
        public ChannelWriter<byte[]>? Output { get; init; }

        public CancellationToken ConsumerGone { get; init; }

        /// <summary>Streamed as one chunk, whole: a statement that writes.</summary>
        public bool Whole { get; init; }

        /// <summary>The rest of the result was set aside in memory; its hand-off completes <see cref="Output"/>.</summary>
        public bool HandedOff { get; set; }
        public Action? Action { get; }
        public string Marker { get; } = "llmclusters-" + Guid.NewGuid().ToString("N");
        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // Under Gate.
        public long Started { get; set; }
        public TimeSpan Elapsed => Started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(Started);
        public KillReason Killed { get; set; }
        public long KilledAt { get; set; }
        public long KillSentAt { get; set; }
        public JobPhase Phase { get; set; }
        public long ProbeStarted { get; set; }
        public int UnlistedProbes { get; set; }
        public bool GivenUp { get; set; }
    }
}
