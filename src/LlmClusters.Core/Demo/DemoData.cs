namespace LlmClusters.Core.Demo;

/// <summary>Everything one generation made: traces with their events, and clustering runs over them.</summary>
public sealed class DemoData
{
    public DemoData(DemoDataOptions options, IReadOnlyList<DemoTrace> traces, IReadOnlyList<DemoClusterRun> runs)
    {
        Options = options;
        Traces = traces;
        Runs = runs;
    }

    public DemoDataOptions Options { get; }
    public IReadOnlyList<DemoTrace> Traces { get; }
    public IReadOnlyList<DemoClusterRun> Runs { get; }

    public int EventCount => Traces.Sum(t => t.Events.Count + t.SummaryCount + t.Evaluations.Count) + Runs.Count;

    /// <summary>Every event in insertion order: the traffic, then the run events.</summary>
    public IEnumerable<DemoEvent> Events() => Traces.SelectMany(t => t.Events).Concat(Runs.Select(r => r.Event));
}
