namespace LlmClusters.Core.Sources;

/// <summary>Reads one row of a result by column name, converting the database's types to the model's.</summary>
public readonly struct ResultRow(QueryResult result, object?[] values)
{
    public object? this[string column] => values[result.Ordinal(column)];

    public string? GetString(string column) => this[column] as string;
    public string GetStringOrEmpty(string column) => this[column] as string ?? string.Empty;
    public long? GetInt64(string column) => this[column] is { } v ? Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) : null;
    public double? GetDouble(string column) => this[column] is { } v ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) : null;
    public bool GetBool(string column) => this[column] switch { bool b => b, null => false, var v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture) != 0 };
    public DateTime? GetDateTime(string column) => this[column] as DateTime?;

    public static IEnumerable<ResultRow> All(QueryResult result) => result.Rows.Select(r => new ResultRow(result, r));
}
