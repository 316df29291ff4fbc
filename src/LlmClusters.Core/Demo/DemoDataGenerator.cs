namespace LlmClusters.Core.Demo;

/// <summary>Makes realistic, deterministic PostHog LLM-analytics data: the same options give the same events.</summary>
public static class DemoDataGenerator
{
    public static DemoData Generate(DemoDataOptions options)
    {
        if (options.TraceCount < 1) throw new ArgumentOutOfRangeException(nameof(options), "TraceCount must be at least 1.");
        if (options.Days < 7) throw new ArgumentOutOfRangeException(nameof(options), "Days must be at least 7, the widest run window.");
        var end = options.End.Kind == DateTimeKind.Utc ? options.End : DateTime.SpecifyKind(options.End.ToUniversalTime(), DateTimeKind.Utc);
        options = options with { End = end };
        var random = new DemoRandom(options.Seed);
        var traces = new DemoTrafficGenerator(options, random).Generate();
        var runs = new DemoRunGenerator(options, random).Generate(traces);
        return new DemoData(options, traces, runs);
    }
}
