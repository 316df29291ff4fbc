using System.Collections.ObjectModel;

namespace LlmClusters.Core.Model;

/// <summary>A trace's events; in text (Export-Csv, a table cell) it reads as their count, not as a type name.</summary>
public sealed class TraceEventList(IList<TraceEvent> events) : ReadOnlyCollection<TraceEvent>(events)
{
    public static new TraceEventList Empty { get; } = new([]);

    public override string ToString() => Count == 1 ? "1 event" : $"{Count} events";
}
