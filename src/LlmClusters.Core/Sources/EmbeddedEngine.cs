using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
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
internal static partial class EmbeddedEngine
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
}
