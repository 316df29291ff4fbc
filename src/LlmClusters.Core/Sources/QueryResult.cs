namespace LlmClusters.Core.Sources;

/// <summary>Rows of typed values (see <see cref="ClickHouseValueReader"/>), with the columns that name them.</summary>
public sealed class QueryResult
{
    public QueryResult(IReadOnlyList<QueryColumn> columns, IReadOnlyList<object?[]> rows, long rowsRead = 0)
    {
        Columns = columns;
        Rows = rows;
        RowsRead = rowsRead;
    }

    public IReadOnlyList<QueryColumn> Columns { get; }
    public IReadOnlyList<object?[]> Rows { get; }

    /// <summary>Rows the database read to answer, where the source reports it.</summary>
    public long RowsRead { get; }

    public int Ordinal(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
            if (string.Equals(Columns[i].Name, column, StringComparison.Ordinal)) return i;
        throw new KeyNotFoundException($"The result has no column '{column}'.");
    }
}
