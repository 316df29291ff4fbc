using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>One place the module's ClickHouse SQL runs. Implementations bind every parameter; none splices values into SQL.</summary>
public interface IAnalyticsSource : IDisposable
{
    AnalyticsSourceKind Kind { get; }

    /// <summary>Where the data is, for messages and -Verbose; never holds a secret.</summary>
    string Location { get; }

    /// <summary>The events table as a quoted identifier, ready to stand in SQL text.</summary>
    EventsTable Table { get; }

    /// <summary>
    /// The table with the property columns the database said it has (QueryRunner.DescribedTableAsync), asked once and
    /// kept here, by the one object per connection that knows its table; null until then, and after an upgrade.
    /// </summary>
    EventsTable? DescribedTable { get; set; }

    /// <summary>The source only reads: the module never changes data there (PostHog's API, a read-only folder).</summary>
    bool IsReadOnly => false;

    /// <summary>Why a write is refused on a read-only source, and where to write instead.</summary>
    ReadOnlySourceException WriteRefused() => new($"{Location} is opened for reading only; connect to a data folder you can write (Connect-LlmAnalytics -Path) to add data.");

    /// <summary>The time limit of a statement that names none (zero: none).</summary>
    TimeSpan QueryTimeout { get; }

    // What differs between sources is asked of the source, never of its kind: a new source answers these itself.

    /// <summary>The source reads each property from the cheapest column itself (PostHog's HogQL): its table is never described.</summary>
    bool ChoosesColumns => false;

    /// <summary>The module's own store: made in PostHog's current layout and upgraded in place when an earlier release wrote it.</summary>
    bool UpgradesInPlace => false;

    /// <summary>Files can be imported into it (Import-LlmEvent).</summary>
    bool AcceptsImports => false;

    /// <summary>It runs on the process's one embedded engine, which every runspace shares.</summary>
    bool UsesProcessEngine => false;

    /// <summary>The source checks each statement itself (PostHog's own parser), so the module's check before a user's statement is not run.</summary>
    bool ChecksStatements => false;

    /// <summary>The source sees one team only (a PostHog project key): no other team's events can be why nothing was found.</summary>
    bool ScopedToOneTeam => false;

    /// <summary>Runs can never be written here (PostHog's API is read only): Invoke-LlmClustering writes them to a local data folder instead.</summary>
    bool WritesRunsElsewhere => false;

    /// <summary>Work the next statement will wait for before it runs (said to the user), or null.</summary>
    string? Pending => null;

    /// <summary>
    /// Runs a statement and yields its rows as the source reads them, never holding the whole result (none for DDL
    /// and inserts). The statement ends with an error once it runs past its time limit; stopping the enumeration stops
    /// it. <see cref="AnalyticsSourceExtensions.QueryAsync"/> collects the rows of a small result.
    /// </summary>
    IAsyncEnumerable<ResultRow> ReadAsync(SqlQuery query, CancellationToken cancellationToken);

    /// <summary>The statement as this source sends it (for -Verbose): the query itself, unless the source speaks another dialect.</summary>
    SqlQuery AsSent(SqlQuery query) => query;

    /// <summary>The statement that appends these rows, as this source sends it.</summary>
    SqlQuery InsertStatement(IReadOnlyList<string> jsonRows) => EventQueries.InsertEvents(Table);

    /// <summary>
    /// Appends rows, each one JSON object of an event with all its properties, to the events table; a source that
    /// places content (the module's store) writes it where <paramref name="placement"/> says, any other writes it whole.
    /// </summary>
    Task InsertJsonRowsAsync(IReadOnlyList<string> jsonRows, CancellationToken cancellationToken, ContentPlacement placement = ContentPlacement.Split);
}
