using System.Runtime.CompilerServices;
using LlmClusters.Core.Components;
using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>The embedded ClickHouse engine (chDB) over a local data folder.</summary>
public sealed class EmbeddedSource : IAnalyticsSource
{
    public EmbeddedSource(string dataPath, EventsTable? table = null, TimeSpan? queryTimeout = null)
    {
        (DataPath, IsReadOnly) = PrepareFolder(dataPath, out var folder);
        Folder = folder;
        Table = table ?? EventsTable.Default;
        QueryTimeout = queryTimeout ?? DefaultQueryTimeout;
    }

    /// <summary>How long a statement may run unless it says otherwise, on every source alike.</summary>
    public static readonly TimeSpan DefaultQueryTimeout = TimeSpan.FromMinutes(5);

    public AnalyticsSourceKind Kind => AnalyticsSourceKind.Embedded;

    public bool UpgradesInPlace => true;
    public bool AcceptsImports => true;
    public bool UsesProcessEngine => true;
    /// <summary>Where the engine opens the store: the folder itself, or the mirror of a read-only one (see <see cref="ReadOnlyStore"/>).</summary>
    public string DataPath { get; }

    /// <summary>The data folder the user named.</summary>
    public string Folder { get; }

    /// <summary>The folder cannot be written: its store is read through a mirror, and writes are refused.</summary>
    public bool IsReadOnly { get; }

    public string Location => IsReadOnly ? Folder + " (read-only)" : Folder;
    public EventsTable Table { get; }
    public EventsTable? DescribedTable { get; set; }

    /// <summary>The time limit of a statement that names none (zero: none); the engine itself ends a statement that runs longer.</summary>
    public TimeSpan QueryTimeout { get; }

    public static string DefaultDataPath => Path.Combine(ModuleComponents.DataRoot, "data");

    /// <summary>
    /// Whether the engine library is where the module looks for it (see Native.ChdbLibrary), or the user named its path
    /// (then nothing is fetched: loading it says what is wrong with that path).
    /// </summary>
    public static bool EngineInPlace =>
        Environment.GetEnvironmentVariable(Native.ChdbLibrary.PathVariable) is { Length: > 0 } || Native.ChdbLibrary.Findable();
    public static string DemoDataPath => Path.Combine(ModuleComponents.DataRoot, "demo");

    public string? Pending => EmbeddedEngine.StillFinishing;

    public async IAsyncEnumerable<ResultRow> ReadAsync(SqlQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ColumnSet? columns = null;
        await foreach (var chunk in EmbeddedEngine.StreamAsync(DataPath, query, query.TimeLimit ?? QueryTimeout, IsReadOnly, ClickHouseValueReader.Format,
                           cancellationToken).ConfigureAwait(false))
            foreach (var values in ClickHouseValueReader.ReadChunk(chunk, ref columns))
                yield return new ResultRow(columns!, values);
    }

    // The rows travel as a bound parameter (see EventQueries.InsertEventRows): chDB would read a piped stdin as insert data.
    public SqlQuery InsertStatement(IReadOnlyList<string> jsonRows) => EventQueries.InsertEventRows(Table, jsonRows);

    public async Task InsertJsonRowsAsync(IReadOnlyList<string> jsonRows, CancellationToken cancellationToken, ContentPlacement placement = ContentPlacement.Split)
    {
        if (IsReadOnly) throw WriteRefused();
        if (jsonRows.Count == 0) return;
        // The content first: a reader that finds the stripped event then finds its content too.
        if (placement == ContentPlacement.Split) await this.QueryAsync(ContentQueries.InsertAiEventRows(Table, jsonRows), cancellationToken).ConfigureAwait(false);
        await this.QueryAsync(EventQueries.InsertEventRows(Table, jsonRows, stripContent: placement != ContentPlacement.EventsOnly), cancellationToken).ConfigureAwait(false);
    }

    public ReadOnlySourceException WriteRefused() =>
        new($"The data folder '{Folder}' cannot be written, so it was opened for reading only. Copy it to a folder you can write and connect to that (Connect-LlmAnalytics -Path) to add data.");

    public void Dispose()
    {
        // The engine is shared by every connection of the process; it is closed by EmbeddedEngine.Shutdown.
    }

    private static (string DataPath, bool IsReadOnly) PrepareFolder(string path, out string folder)
    {
        try
        {
            folder = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new InvalidDataFolderException(path, "it is not a valid path", e);
        }
        if (File.Exists(folder)) throw new InvalidDataFolderException(folder, "it is a file, not a folder");
        try
        {
            Directory.CreateDirectory(folder);
            var probe = Path.Combine(folder, ".llmclusters-write-check");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
            return (folder, false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Directory.Exists(folder) && ReadOnlyStore.IsStore(folder)) return (ReadOnlyStore.Mirror(folder), true);
            throw new InvalidDataFolderException(folder, "it cannot be created or written (" + e.Message + ")", e);
        }
    }
}
