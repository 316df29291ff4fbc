using System.Collections.Concurrent;
using System.Management.Automation;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Components;
using LlmClusters.Core.Model;
using LlmClusters.Core.Native;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Parameters;

namespace LlmClusters.Infrastructure;

/// <summary>
/// The base of every cmdlet: owns cancellation (Ctrl+C cancels the running work), runs core calls while writing
/// their verbose and progress messages on the pipeline thread, and turns core exceptions into error records.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001",
    Justification = "Work cancelled by Ctrl+C can still post from the engine's thread after the pipeline ends; the token source and the event are left to their finalizers rather than disposed under it.")]
public abstract class LlmClustersCmdlet : PSCmdlet
{
    private readonly CancellationTokenSource _cancellation = new();
    private readonly ConcurrentQueue<Action> _messages = new();
    private readonly AutoResetEvent _wake = new(false);

    protected CancellationToken CancellationToken => _cancellation.Token;

    protected sealed override void StopProcessing()
    {
        _cancellation.Cancel();
        _wake.Set();
    }


    /// <summary>Queues a message from any thread; <see cref="Await{T}"/> writes it on the pipeline thread.</summary>
    internal void Post(Action write)
    {
        _messages.Enqueue(write);
        _wake.Set();
    }

    /// <summary>
    /// Runs work on the pipeline thread and waits for it: for core work running elsewhere that must call back into
    /// PowerShell (a scriptblock needs the runspace's own thread). Await's loop runs it between messages.
    /// </summary>
    internal T OnPipelineThread<T>(Func<T> work)
    {
        if (Environment.CurrentManagedThreadId == _pipelineThread) return work();
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try { done.SetResult(work()); }
            catch (Exception e) { done.SetException(e); }
        });
        try
        {
            done.Task.Wait(CancellationToken);
        }
        catch (AggregateException e) when (e.InnerException is not null)
        {
            // The work's own exception, as if it had run here, not wrapped by the wait.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
        }
        return done.Task.Result;
    }

    private int _pipelineThread = -1;

    /// <summary>Waits for core work, writing its queued messages meanwhile; its failure ends the command with one error record.</summary>
    protected T Await<T>(Func<CancellationToken, Task<T>> work, object? target)
    {
        if (TryAwait(work, target, out var result, out var error)) return result;
        Terminate(error!);
        return default!;
    }

    /// <summary>As <see cref="Await{T}"/>, but a failure is written as a non-terminating error and the command goes on.</summary>
    protected bool TryAwait<T>(Func<CancellationToken, Task<T>> work, object? target, out T result)
    {
        if (TryAwait(work, target, out result, out var error)) return true;
        WriteError(error!);
        return false;
    }

    /// <summary>
    /// Writes what core work yields as it comes (WriteObject must run on the pipeline thread, so each item is handed
    /// over through the message loop), letting the work run only a little ahead of the pipeline: a large result is
    /// never held whole. A failure is written as a non-terminating error. When the pipeline stops taking items
    /// (Select-Object -First, Ctrl+C), the work is stopped before the command ends.
    /// </summary>
    protected bool TryAwaitEach<T>(Func<CancellationToken, IAsyncEnumerable<T>> items, object? target, Action<T> write)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(CancellationToken);
        // Not disposed: a write still queued when the work stops may release it after this method returns.
        var room = new SemaphoreSlim(ItemsAhead);
        var work = Task.Run(async () =>
        {
            await foreach (var item in items(stop.Token).WithCancellation(stop.Token).ConfigureAwait(false))
            {
                await room.WaitAsync(stop.Token).ConfigureAwait(false);
                Post(() =>
                {
                    try
                    {
                        if (stop.IsCancellationRequested) return;
                        _lastItem = System.Diagnostics.Stopwatch.GetTimestamp();
                        write(item);
                    }
                    finally
                    {
                        room.Release();
                    }
                });
            }
            return true;
        }, stop.Token);
        try
        {
            if (TryAwait(_ => work, target, out _, out var error)) return true;
            WriteError(error!);
            return false;
        }
        finally
        {
            if (!work.IsCompleted)
            {
                stop.Cancel();
                // Waits without observing how the work ended (cancelled, as asked): the exception that brought us
                // here (the pipeline stopping, a downstream error) is the one the user sees.
                Task.WhenAny(work, Task.Delay(TimeSpan.FromSeconds(10))).Wait();
            }
        }
    }

    /// <summary>How many items core work may have ready before the pipeline has taken them.</summary>
    private const int ItemsAhead = 1000;

    private long _lastItem;

    /// <summary>As <see cref="Await{T}"/>, but a failure is handed back as its error record, for the caller to write or replace.</summary>
    protected bool TryAwait<T>(Func<CancellationToken, Task<T>> work, object? target, out T result, out ErrorRecord? error)
    {
        result = default!;
        error = null;
        _pipelineThread = Environment.CurrentManagedThreadId;
        Task<T> task;
        try
        {
            task = work(CancellationToken);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            error = ErrorMapper.ToErrorRecord(e, target);
            return false;
        }

        // A second with nothing written shows a progress bar, so a long query never looks like a hang.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        ProgressRecord? waiting = null;
        while (!task.IsCompleted)
        {
            _wake.WaitOne(TimeSpan.FromMilliseconds(100));
            Drain();
            if (!_ownProgress && System.Diagnostics.Stopwatch.GetElapsedTime(Math.Max(started, _lastItem)) > TimeSpan.FromSeconds(1) && !task.IsCompleted)
            {
                waiting ??= new ProgressRecord(WaitActivityId, MyInvocation.MyCommand.Name, "Waiting for the database");
                waiting.StatusDescription = $"Waiting for the database: {clock.Elapsed.TotalSeconds:0} s";
                WriteProgress(waiting);
            }
        }
        Drain();
        if (waiting is not null)
        {
            waiting.RecordType = ProgressRecordType.Completed;
            WriteProgress(waiting);
        }
        if (CancellationToken.IsCancellationRequested && (task.IsCanceled || task.Exception?.InnerException is OperationCanceledException))
            throw new PipelineStoppedException();
        if (task.IsCanceled)
        {
            // Stopped, but not by this command's Ctrl+C: say so rather than end the pipeline without a word.
            error = ErrorMapper.Refusal(ErrorKinds.StatementStopped, target,
                "The statement was stopped before it finished, though this command was not (the engine was closed, or another session stopped it). Run the command again.");
            return false;
        }
        if (task.IsFaulted)
        {
            error = ErrorMapper.ToErrorRecord(task.Exception!.InnerException ?? task.Exception, target);
            return false;
        }
        result = task.Result;
        return true;
    }

    private const int WaitActivityId = 77;

    /// <summary>Shows each statement of core work under -Verbose.</summary>
    protected IQueryObserver QueryObserver() => new VerboseQueryObserver(this);

    /// <summary>The run a command reads: the one named, else the newest (of a level); null, with a warning, when there is none.</summary>
    protected ClusterRunId? RunIdOrNewest(ClusterRunId? runId, ClusterLevel? level, LlmAnalyticsConnection connection)
    {
        if (runId is not null) return runId;
        var newest = Await(token => new ClusterReader(connection, QueryObserver()).NewestRunAsync(level, DateTime.UtcNow, token), connection.Location);
        if (newest is null)
        {
            // Nothing to read is not a failure (see Get-ClusterRun): a warning, and no output.
            Warn($"No clustering run {(level is null ? "" : $"of level {level} ")}in the last year on {connection.Location}: nothing to read. " +
                 "Load data first (Connect-LlmAnalytics -Demo), or name a run with -RunId." + OtherTeams(connection));
            return null;
        }
        WriteVerbose($"Reading the newest run, {newest.RunId}.");
        return ParseRunId(newest.RunId);
    }

    /// <summary>
    /// The run a piped object names (see <see cref="RunParameter"/>): false when it names none; true with null when its
    /// run id is malformed, after writing an InvalidRunId error.
    /// </summary>
    protected bool TryReadPipedRun(PSObject input, out RunParameter? run)
    {
        if (RunParameter.TryFrom(input, out var read, out var problem))
        {
            run = read;
            return true;
        }
        run = null;
        if (problem is null) return false;
        WriteError(ErrorMapper.Refusal(ErrorKinds.InvalidRunId, PipedObject.Text(input) ?? PipedObject.Property(input, "RunId"), problem));
        return true;
    }

    /// <summary>Parses a run id, or writes an InvalidRunId error and returns null.</summary>
    protected ClusterRunId? ParseRunId(string runId)
    {
        if (ClusterRunId.TryParse(runId, out var parsed, out var problem)) return parsed;
        WriteError(ErrorMapper.Refusal(ErrorKinds.InvalidRunId, runId, problem));
        return null;
    }

    /// <summary>Runs quick synchronous core work (validation, construction), mapping its failure to an error record.</summary>
    protected T Guard<T>(Func<T> work, object? target)
    {
        try
        {
            return work();
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            Terminate(ErrorMapper.ToErrorRecord(e, target));
            throw; // not reached: Terminate always throws
        }
    }

    /// <summary>After finding nothing with a team: " " and a sentence naming the teams the store does hold, when it holds none of that team; else "".</summary>
    protected string OtherTeams(LlmAnalyticsConnection connection) =>
        TryAwait(token => TeamCheck.OtherTeamsAsync(connection, QueryObserver(), token), connection.Location, out var hint, out _) && hint is not null ? " " + hint : "";

    /// <summary>Fetches a part of the module, with a progress bar.</summary>
    protected Task<ComponentInstall> InstallComponentAsync(ModuleComponent component, string folder, bool force, CancellationToken cancellationToken)
    {
        var progress = Progress<ComponentProgress>(3, $"Fetching {component}", p => (
            p.Total is { } total ? $"{p.Received / 1048576.0:N0} of {total / 1048576.0:N0} MB" : $"{p.Received / 1048576.0:N0} MB",
            p.Total is > 0 and var all ? (int)(p.Received * 100 / all) : 0));
        return new ComponentInstaller().InstallAsync(component, folder, force, progress, cancellationToken);
    }

    /// <summary>
    /// Before a command opens the embedded engine: fetches it on first use, with a progress bar. Where no engine is
    /// published, nothing is fetched, and opening it says which sources remain.
    /// </summary>
    protected void EnsureEngine()
    {
        if (!ModuleComponents.IsAvailableHere(ModuleComponents.Engine) || EmbeddedSource.EngineInPlace) return;
        var engine = ModuleComponents.Engine;
        if (TryAwait(token => InstallComponentAsync(engine, ModuleComponents.DefaultFolder, force: false, token), engine.Name, out var installed, out var error))
        {
            WriteVerbose($"Fetched {engine} into {installed.Path}.");
            return;
        }
        // Not fetched (no network, a mirror that refused it): how to place it by hand, and which sources need none.
        Terminate(error?.Exception is ComponentUnavailableException unavailable
            ? ErrorMapper.ToErrorRecord(new EngineUnavailableException(unavailable.Message), engine.Name)
            : error!);
    }

    /// <summary>Fetches a part the module does not carry on its first use, with a progress bar.</summary>
    protected void EnsureComponent(ModuleComponent component)
    {
        if (DependencyLoadContext.Carried(component) is not null || ComponentInstaller.IsInstalled(component, ModuleComponents.DefaultFolder)) return;
        var installed = Await(token => InstallComponentAsync(component, ModuleComponents.DefaultFolder, force: false, token), component.Name);
        WriteVerbose($"Fetched {component} into {installed.Path}.");
    }

    /// <summary>Writes a warning; text from the data in it (ids, titles) is shown with its control characters escaped.</summary>
    protected internal void Warn(string message) => WriteWarning(Core.Formatting.TerminalText.Escape(message));

    /// <summary>Ends the command with this error, after <see cref="BeforeTerminating"/> has had its say.</summary>
    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    protected void Terminate(ErrorRecord error)
    {
        BeforeTerminating(error);
        ThrowTerminatingError(error);
        throw new InvalidOperationException("not reached: ThrowTerminatingError always throws");
    }

    /// <summary>
    /// Called just before the command ends with an error, while it can still write: once ThrowTerminatingError has
    /// thrown, PowerShell takes no more output from it.
    /// </summary>
    protected virtual void BeforeTerminating(ErrorRecord record)
    {
    }

    protected void Await(Func<CancellationToken, Task> work, object? target) =>
        Await(async token => { await work(token).ConfigureAwait(false); return true; }, target);

    private void Drain()
    {
        while (_messages.TryDequeue(out var write)) write();
    }

    /// <summary>Adapts core progress to Write-Progress, written on the pipeline thread.</summary>
    protected IProgress<T> Progress<T>(int activityId, string activity, Func<T, (string Status, int Percent)> describe)
    {
        // A command that shows its own progress says what it is doing; a second bar about waiting would only compete.
        _ownProgress = true;
        return new QueuedProgress<T>(this, value =>
        {
            var (status, percent) = describe(value);
            var record = new ProgressRecord(activityId, activity, status) { PercentComplete = Math.Clamp(percent, 0, 100) };
            if (percent >= 100) record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
        });
    }

    private bool _ownProgress;

    private sealed class QueuedProgress<T>(LlmClustersCmdlet cmdlet, Action<T> write) : IProgress<T>
    {
        public void Report(T value) => cmdlet.Post(() => write(value));
    }

    private sealed class VerboseQueryObserver(LlmClustersCmdlet cmdlet) : IQueryObserver
    {
        public void QueryStarting(SqlQuery query, string location)
        {
            var parameters = query.Parameters.Count == 0
                ? string.Empty
                : Environment.NewLine + "-- parameters: " + string.Join(", ", query.Parameters.Select(p => p.Key + " = " + Shorten(QueryParameterFormatter.Format(p.Value))));
            cmdlet.Post(() => cmdlet.WriteVerbose($"{query.Name} on {location}:{Environment.NewLine}{query.Text}{parameters}"));
        }

        public void Notice(string message) => cmdlet.Post(() => cmdlet.Warn(message));

        public void Remembered(string what) => cmdlet.Post(() => cmdlet.WriteVerbose(what));

        public void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows) =>
            cmdlet.Post(() => cmdlet.WriteVerbose($"{query.Name}: {rows} row(s) in {elapsed.TotalMilliseconds:0} ms"));

        private static string Shorten(string value) => value.Length <= 120 ? value : value[..117] + "...";
    }
}
