using LlmClusters.Core.Model;
using LlmClusters.Core.Native;
using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>How a failed, timed-out or stopped statement becomes the source's exception.</summary>
internal static partial class EmbeddedEngine
{
    /// <summary>The job failed with the engine's error text: why it was stopped, when it was, decides what its caller sees.</summary>
    private static void Fail(ChdbConnectionHandle main, Job job, string error)
    {
        DiscardLeftOver(main);
        var failure = AnalyticsQueryException.FromClickHouseText(job.Name, error);
        if (failure.Code != QueryWasCancelled) job.Done.TrySetException(failure);
        else if (job.Killed == KillReason.Cancelled) job.Done.TrySetCanceled();
        else if (job.Killed == KillReason.Watchdog) job.Done.TrySetException(PastTimeLimit(job));
        else if (job.Killed == KillReason.Shutdown) job.Done.TrySetException(new AnalyticsQueryException(job.Name, FailureKind.QueryFailed,
            "The statement was stopped because the process is exiting.", QueryWasCancelled, "QUERY_WAS_CANCELLED"));
        else job.Done.TrySetException(failure);
    }

    private static AnalyticsQueryException PastTimeLimit(Job job) =>
        new(job.Name, FailureKind.QueryTimeout, $"The statement ran past its time limit of {job.TimeLimit.TotalSeconds:0} s and was stopped.", TimeoutExceeded, "TIMEOUT_EXCEEDED");

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
}
