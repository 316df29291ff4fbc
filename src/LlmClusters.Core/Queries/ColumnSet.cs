namespace LlmClusters.Core.Queries;

/// <summary>The columns of a result, shared by its rows, with their positions looked up by name.</summary>
public sealed class ColumnSet
{
    private readonly Dictionary<string, int> _ordinals;

    public ColumnSet(IReadOnlyList<QueryColumn> columns)
    {
        Columns = columns;
        _ordinals = new Dictionary<string, int>(columns.Count, StringComparer.Ordinal);
        // The first of two equal names wins, as it did when the columns were searched in order.
        for (var i = 0; i < columns.Count; i++) _ordinals.TryAdd(columns[i].Name, i);
    }

    public static ColumnSet Empty { get; } = new([]);

    public IReadOnlyList<QueryColumn> Columns { get; }

    public int Ordinal(string column) =>
        _ordinals.TryGetValue(column, out var ordinal) ? ordinal : throw new KeyNotFoundException($"The result has no column '{column}'.");
}
