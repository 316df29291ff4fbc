using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>The embedded ClickHouse engine (chDB) over a local data folder.</summary>
public sealed class EmbeddedSource : IAnalyticsSource
{
    public EmbeddedSource(string dataPath, EventsTable? table = null)
    {
        DataPath = PrepareFolder(dataPath);
        Table = table ?? EventsTable.Default;
    }

    public AnalyticsSourceKind Kind => AnalyticsSourceKind.Embedded;
    public string DataPath { get; }
    public string Location => DataPath;
    public EventsTable Table { get; }

    /// <summary>The per-user data folder: $XDG_DATA_HOME (or ~/.local/share) on Linux, LocalApplicationData elsewhere.</summary>
    public static string DefaultDataRoot =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "LlmClusters");

    public static string DefaultDataPath => Path.Combine(DefaultDataRoot, "data");
    public static string DemoDataPath => Path.Combine(DefaultDataRoot, "demo");

    public Task<QueryResult> QueryAsync(SqlQuery query, CancellationToken cancellationToken) =>
        RunAsync(query, null, cancellationToken);

    // The rows travel as a bound parameter (see EventQueries.InsertEventRows): chDB would read a piped stdin as insert data.
    public SqlQuery InsertStatement(IReadOnlyList<string> jsonRows) => EventQueries.InsertEventRows(Table, jsonRows);

    public Task InsertJsonRowsAsync(IReadOnlyList<string> jsonRows, CancellationToken cancellationToken) =>
        jsonRows.Count == 0
            ? Task.CompletedTask
            : RunAsync(InsertStatement(jsonRows), null, cancellationToken);

    // chDB cannot interrupt a running statement from outside, so cancelling stops the wait; the engine finishes
    // the statement on its own thread and the next call waits for it.
    private Task<QueryResult> RunAsync(SqlQuery query, string? data, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.Run(() => EmbeddedEngine.Run(DataPath, query, data), CancellationToken.None).WaitAsync(cancellationToken);
    }

    public void Dispose()
    {
        // The engine is shared by every connection of the process; it is closed by EmbeddedEngine.Shutdown.
    }

    private static string PrepareFolder(string path)
    {
        string full;
        try
        {
            full = Path.GetFullPath(path);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new InvalidDataFolderException(path, "it is not a valid path", e);
        }
        if (File.Exists(full)) throw new InvalidDataFolderException(full, "it is a file, not a folder");
        try
        {
            Directory.CreateDirectory(full);
            var probe = Path.Combine(full, ".llmclusters-write-check");
            File.WriteAllText(probe, string.Empty);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataFolderException(full, "it cannot be created or written (" + e.Message + ")", e);
        }
        return full;
    }
}
