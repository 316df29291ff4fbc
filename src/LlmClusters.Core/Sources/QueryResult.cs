using LlmClusters.Core.Queries;
namespace LlmClusters.Core.Sources;

/// <summary>Rows of typed values (see <see cref="ClickHouseValueReader"/>), with the columns that name them, all held at once.</summary>
public sealed class QueryResult
{
    public QueryResult(IReadOnlyList<QueryColumn> columns, IReadOnlyList<object?[]> rows) : this(new ColumnSet(columns), rows)
    {
    }

    public QueryResult(ColumnSet columns, IReadOnlyList<object?[]> rows)
    {
        Schema = columns;
        Rows = rows;
    }

    public ColumnSet Schema { get; }
    public IReadOnlyList<QueryColumn> Columns => Schema.Columns;
    public IReadOnlyList<object?[]> Rows { get; }

    /// <summary>Holds streamed rows whole: for results known to be small.</summary>
    public static async Task<QueryResult> CollectAsync(IAsyncEnumerable<ResultRow> rows, CancellationToken cancellationToken)
    {
        ColumnSet? columns = null;
        var values = new List<object?[]>();
        await foreach (var row in rows.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            columns ??= row.Columns;
            values.Add(row.Values);
        }
        return new QueryResult(columns ?? ColumnSet.Empty, values);
    }
}
