namespace LlmClusters.Core.Import;

/// <summary>What importing one file did: events read, events added (new uuids), and the rest, already there.</summary>
public sealed record ImportResult(string Path, string Format, long EventsRead, long EventsAdded)
{
    public long Duplicates => EventsRead - EventsAdded;
}
