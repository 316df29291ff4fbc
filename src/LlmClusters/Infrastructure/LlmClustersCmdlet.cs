using System.Collections.Concurrent;
using System.Management.Automation;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Infrastructure;

/// <summary>
/// The base of every cmdlet: owns cancellation (Ctrl+C cancels the running work), runs core calls while writing
/// their verbose and progress messages on the pipeline thread, and turns core exceptions into error records.
/// </summary>
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

    protected override void EndProcessing() => _cancellation.Dispose();

    /// <summary>A query runner on the given connection (or the session's), whose statements show under -Verbose.</summary>
    protected QueryRunner Runner(LlmAnalyticsConnection? connection) =>
        (connection ?? ConnectionRegistry.CurrentOrDefault()).CreateRunner(new VerboseQueryObserver(this));

    /// <summary>Queues a message from any thread; <see cref="Await{T}"/> writes it on the pipeline thread.</summary>
    internal void Post(Action write)
    {
        _messages.Enqueue(write);
        _wake.Set();
    }

    /// <summary>Waits for core work, writing its queued messages meanwhile; maps its failure to an error record.</summary>
    protected T Await<T>(Func<CancellationToken, Task<T>> work, string target)
    {
        Task<T> task;
        try
        {
            task = work(CancellationToken);
        }
        catch (Exception e) when (e is not PipelineStoppedException)
        {
            ThrowTerminatingError(ErrorMapper.ToErrorRecord(e, target));
            throw; // not reached: ThrowTerminatingError always throws
        }
        while (!task.IsCompleted)
        {
            _wake.WaitOne(TimeSpan.FromMilliseconds(100));
            Drain();
        }
        Drain();
        if (task.IsCanceled || (task.IsFaulted && task.Exception!.InnerException is OperationCanceledException && CancellationToken.IsCancellationRequested))
            throw new PipelineStoppedException();
        if (task.IsFaulted) ThrowTerminatingError(ErrorMapper.ToErrorRecord(task.Exception!.InnerException ?? task.Exception, target));
        return task.Result;
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
            ThrowTerminatingError(ErrorMapper.ToErrorRecord(e, target));
            throw; // not reached: ThrowTerminatingError always throws
        }
    }

    protected void Await(Func<CancellationToken, Task> work, string target) =>
        Await(async token => { await work(token).ConfigureAwait(false); return true; }, target);

    private void Drain()
    {
        while (_messages.TryDequeue(out var write)) write();
    }

    /// <summary>Adapts core progress to Write-Progress, written on the pipeline thread.</summary>
    protected IProgress<T> Progress<T>(int activityId, string activity, Func<T, (string Status, int Percent)> describe) =>
        new QueuedProgress<T>(this, value =>
        {
            var (status, percent) = describe(value);
            var record = new ProgressRecord(activityId, activity, status) { PercentComplete = Math.Clamp(percent, 0, 100) };
            if (percent >= 100) record.RecordType = ProgressRecordType.Completed;
            WriteProgress(record);
        });

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

        public void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows) =>
            cmdlet.Post(() => cmdlet.WriteVerbose($"{query.Name}: {rows} row(s) in {elapsed.TotalMilliseconds:0} ms"));

        private static string Shorten(string value) => value.Length <= 120 ? value : value[..117] + "...";
    }
}
