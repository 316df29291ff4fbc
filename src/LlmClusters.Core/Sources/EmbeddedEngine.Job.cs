using System.Diagnostics;
using System.Threading.Channels;

namespace LlmClusters.Core.Sources;

/// <summary>One statement on its way through the engine thread, and the phases and reasons it records.</summary>
internal static partial class EmbeddedEngine
{
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
