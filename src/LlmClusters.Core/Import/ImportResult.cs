namespace LlmClusters.Core.Import;

/// <summary>What importing one file did: events read, events added (new uuids), and the rest, already there.</summary>
public sealed record ImportResult(string Path, string Format, long EventsRead, long EventsAdded)
{
    public long Duplicates => EventsRead - EventsAdded;

    /// <summary>Events that had no uuid and were given one made from their content (-DeriveMissingUuid).</summary>
    public long UuidsDerived { get; init; }

    /// <summary>Events that named no team: stamped with -TeamId, or left at team 0 without it.</summary>
    public long EventsWithoutTeam { get; init; }

    /// <summary>The teams the imported events belong to.</summary>
    public IReadOnlyList<long> Teams { get; init; } = [];
}
