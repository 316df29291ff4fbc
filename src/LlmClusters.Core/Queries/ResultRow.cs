using System.Globalization;

namespace LlmClusters.Core.Queries;

/// <summary>
/// One row of a result, read by column name with the database's types converted to the model's. Only the readers
/// beside each named query (<see cref="Queries.SqlQuery{TRow}"/>) and Invoke-LlmQuery read rows.
/// </summary>
public readonly struct ResultRow(ColumnSet columns, object?[] values)
{
    public ColumnSet Columns => columns;

    /// <summary>The row's values, in the order of <see cref="Columns"/>.</summary>
    public object?[] Values => values;

    public object? this[string column] => values[columns.Ordinal(column)];

    public string? GetString(string column) => this[column] as string;
    public string GetStringOrEmpty(string column) => this[column] as string ?? string.Empty;

    /// <summary>The text, or null when it is missing or empty (JSON fields read as strings are empty when absent).</summary>
    public string? GetText(string column) => this[column] is string { Length: > 0 } text ? text : null;

    public long? GetInt64(string column) => this[column] is { } v ? Convert.ToInt64(v, CultureInfo.InvariantCulture) : null;
    public int? GetInt32(string column) => this[column] is { } v ? Convert.ToInt32(v, CultureInfo.InvariantCulture) : null;
    /// <summary>The number, without the float noise of a database's sums and means (see <see cref="Model.Figure"/>).</summary>
    public double? GetDouble(string column) => this[column] is { } v ? Model.Figure.Tidy(Convert.ToDouble(v, CultureInfo.InvariantCulture)) : null;

    /// <summary>The number, or null when it is missing or not finite: ClickHouse gives NaN for the mean of nothing, and the model says null.</summary>
    public double? GetFiniteDouble(string column) => GetDouble(column) is { } v && double.IsFinite(v) ? v : null;

    public bool GetBool(string column) => this[column] switch { bool b => b, null => false, var v => Convert.ToInt64(v, CultureInfo.InvariantCulture) != 0 };
    public DateTime? GetDateTime(string column) => this[column] as DateTime?;

    /// <summary>An array of text, without its NULL elements; empty when the value is missing.</summary>
    public IReadOnlyList<string> GetStrings(string column) => (this[column] as object?[])?.OfType<string>().ToList() ?? [];

    /// <summary>An array of numbers, with NULL for elements that are missing or not finite; empty when the value is missing.</summary>
    public IReadOnlyList<double?> GetFiniteDoubles(string column) =>
        (this[column] as object?[])?.Select(v => v is { } x && Convert.ToDouble(x, CultureInfo.InvariantCulture) is var d && double.IsFinite(d) ? d : (double?)null).ToList() ?? [];

    public IReadOnlyList<long> GetInt64s(string column) =>
        (this[column] as object?[])?.OfType<object>().Select(v => Convert.ToInt64(v, CultureInfo.InvariantCulture)).ToList() ?? [];
}
