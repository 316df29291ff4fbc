using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Demo;

/// <summary>One generation in two steps: the traffic as it is made, then the clustering runs over it.</summary>
public sealed class DemoGeneration
{
    private readonly DemoRandom _random;
    private readonly List<DemoTrace> _traces;
    private readonly bool _keepRows;
    private bool _traffic;

    internal DemoGeneration(DemoDataOptions options, bool keepRows)
    {
        _keepRows = keepRows;
        Options = options;
        _random = new DemoRandom(options.Seed);
        _traces = new List<DemoTrace>(options.TraceCount);
    }

    public DemoDataOptions Options { get; }

    /// <summary>Every trace, whole, in the order made (once: the runs draw from the same random stream after it).</summary>
    public IEnumerable<DemoTrace> Traffic()
    {
        if (_traffic) throw new InvalidOperationException("The traffic of a demo stream is made once.");
        _traffic = true;
        var made = 0;
        foreach (var madeTrace in new DemoTrafficGenerator(Options, _random).Traces())
        {
            var trace = madeTrace with { Content = Placement(madeTrace, made++) };
            _traces.Add(trace);
            yield return trace;
            if (!_keepRows) _traces[^1] = trace with { Events = trace.Events.Select(e => e with { JsonRow = "" }).ToList(), SummaryRows = [], EvaluationRows = [] };
        }
    }

    /// <summary>
    /// The demo is written as a team switched to PostHog's split a few hours into the window: its first traces keep
    /// their content in events; one trace (the second made) has lost its content, as ai_events' retention drops it.
    /// Chosen without the random stream, so the data is otherwise the same.
    /// </summary>
    private ContentPlacement Placement(DemoTrace trace, int index) =>
        index == 1 ? ContentPlacement.Gone
        : trace.Start < Options.End.AddDays(-Options.Days).Add(Options.SplitAfter) ? ContentPlacement.EventsOnly
        : ContentPlacement.Split;

    /// <summary>The traces in time order (as figures only, when streamed) and the runs over them, with the runs' events.</summary>
    public DemoData Finish()
    {
        _traces.Sort((a, b) => a.Start.CompareTo(b.Start));
        var runs = new DemoRunGenerator(Options, _random).Generate(_traces);
        return new DemoData(Options, _traces, runs);
    }
}
