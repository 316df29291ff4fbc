using LlmClusters.Core.Model;

namespace LlmClusters.Core.Demo;

/// <summary>What demo data to make. The same options (seed and end included) always give the same events.</summary>
public sealed record DemoDataOptions
{
    public int Seed { get; init; } = 42;
    public int TraceCount { get; init; } = DefaultTraceCount;

    /// <summary>A few thousand traces: enough for clusters of a useful size, loaded in about a second.</summary>
    public const int DefaultTraceCount = 5000;

    /// <summary>The exclusive end of the data, UTC; traffic covers <see cref="Days"/> days before it.</summary>
    public DateTime End { get; init; } = DefaultEnd(DateTime.UtcNow);

    public int Days { get; init; } = 14;
    public long TeamId { get; init; } = 1;

    /// <summary>Generations as large as real SDKs write them (retrieved context, tool definitions); off for small fixtures.</summary>
    public bool RealisticSizes { get; init; } = true;

    /// <summary>Items per clustering run at most, as PostHog's max_samples.</summary>
    public int MaxSamples { get; init; } = 1500;

    /// <summary>Items at most in the 7-day manual run; by default <see cref="MaxSamples"/>. The benchmark makes it a 100,000-item run.</summary>
    public int? ManualRunMaxSamples { get; init; }

    /// <summary>
    /// How far into the data the team was switched to PostHog's split (content in ai_events): traces before it carry
    /// their content in events. The benchmark sets it past the end, so that events are as large as SDKs write them.
    /// </summary>
    public TimeSpan SplitAfter { get; init; } = TimeSpan.FromHours(3);

    /// <summary>The last whole hour that lies at least 15 minutes back, so every run event is already in the past.</summary>
    public static DateTime DefaultEnd(DateTime utcNow)
    {
        var t = UtcTime.From(utcNow).AddMinutes(-15);
        return new DateTime(t.Year, t.Month, t.Day, t.Hour, 0, 0, DateTimeKind.Utc);
    }
}
