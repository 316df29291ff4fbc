using LlmClusters.Core.Model;
namespace LlmClusters.Core.Demo;

/// <summary>Makes realistic, deterministic PostHog LLM-analytics data: the same options give the same events.</summary>
public static class DemoDataGenerator
{
    /// <summary>All of it at once, JSON rows included: for tests and fixtures that read the generated events back.</summary>
    public static DemoData Generate(DemoDataOptions options)
    {
        var stream = Stream(options, keepRows: true);
        foreach (var _ in stream.Traffic()) { }
        return stream.Finish();
    }

    /// <summary>
    /// The same data, trace by trace: each trace is handed out whole as it is made and then kept as its figures only
    /// (its JSON rows dropped), so a loader holds one batch of rows at a time, not the whole data set.
    /// </summary>
    public static DemoGeneration Stream(DemoDataOptions options) => Stream(options, keepRows: false);

    private static DemoGeneration Stream(DemoDataOptions options, bool keepRows)
    {
        if (options.TraceCount < 1) throw new ArgumentOutOfRangeException(nameof(options), "TraceCount must be at least 1.");
        if (options.Days < 7) throw new ArgumentOutOfRangeException(nameof(options), "Days must be at least 7, the widest run window.");
        return new DemoGeneration(options with { End = UtcTime.From(options.End) }, keepRows);
    }
}
