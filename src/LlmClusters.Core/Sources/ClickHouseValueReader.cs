using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Sources;

/// <summary>
/// Reads ClickHouse's JSONCompactEachRowWithNamesAndTypes output into typed .NET values. Written by hand because
/// no library maps ClickHouse type names to .NET types outside a driver; it reads straight from the engine's buffer.
/// </summary>
public static class ClickHouseValueReader
{
    public const string Format = "JSONCompactEachRowWithNamesAndTypes";

    /// <summary>
    /// One chunk of a streamed result: whole rows, led (in every chunk chDB streams) by the names and types, which
    /// <paramref name="columns"/> takes from the first chunk and hands to the chunks after it.
    /// </summary>
    public static List<object?[]> ReadChunk(ReadOnlySpan<byte> chunk, ref ColumnSet? columns)
    {
        var reader = new Utf8JsonReader(chunk, new JsonReaderOptions { AllowMultipleValues = true });
        var names = ReadStringArray(ref reader);
        if (names is null) return [];
        var types = ReadStringArray(ref reader) ?? throw new FormatException("The result has column names but no column types.");
        columns ??= new ColumnSet(names.Select((n, i) => new QueryColumn(n, types[i])).ToArray());
        var rows = new List<object?[]>();
        while (reader.Read()) rows.Add(ReadRow(ref reader, columns.Columns));
        return rows;
    }

    /// <summary>Reads rows given as a JSON array of arrays (PostHog's query API answers this way) as the given columns.</summary>
    public static QueryResult ReadRows(IReadOnlyList<QueryColumn> columns, ReadOnlySpan<byte> rowsJson)
    {
        var reader = new Utf8JsonReader(rowsJson);
        var rows = new List<object?[]>();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray) throw new FormatException("The results are not a JSON array.");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) rows.Add(ReadRow(ref reader, columns));
        return new QueryResult(columns, rows);
    }

    /// <summary>One row, a JSON array whose opening bracket is the reader's current token.</summary>
    private static object?[] ReadRow(ref Utf8JsonReader reader, IReadOnlyList<QueryColumn> columns)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new FormatException("A result row is not a JSON array.");
        var row = new object?[columns.Count];
        for (var i = 0; i < columns.Count; i++)
        {
            reader.Read();
            row[i] = ReadValue(ref reader, columns[i].Type);
        }
        reader.Read(); // the row's closing bracket
        return row;
    }

    private static string[]? ReadStringArray(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) return null;
        var list = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) list.Add(reader.GetString() ?? string.Empty);
        return list.ToArray();
    }

    /// <summary>Reads the value at the reader's current token as the given ClickHouse type.</summary>
    public static object? ReadValue(ref Utf8JsonReader reader, string type)
    {
        type = Unwrap(type, "LowCardinality");
        var nullable = type.StartsWith("Nullable(", StringComparison.Ordinal);
        if (nullable) type = Unwrap(type, "Nullable");
        if (reader.TokenType == JsonTokenType.Null) return null;

        if (type.StartsWith("Array(", StringComparison.Ordinal))
        {
            var element = Unwrap(type, "Array");
            var items = new List<object?>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) items.Add(ReadValue(ref reader, element));
            return items.ToArray();
        }
        if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
        {
            // Tuples, maps and JSON values stay as their JSON text: PowerShell users can ConvertFrom-Json them.
            using var document = JsonDocument.ParseValue(ref reader);
            return document.RootElement.GetRawText();
        }

        var text = reader.TokenType == JsonTokenType.String ? reader.GetString()! : Encoding.UTF8.GetString(reader.ValueSpan);
        var baseType = type.Split('(')[0];
        return baseType switch
        {
            "Int8" or "Int16" or "Int32" or "UInt8" or "UInt16" => int.Parse(text, CultureInfo.InvariantCulture),
            "Int64" or "UInt32" => long.Parse(text, CultureInfo.InvariantCulture),
            "UInt64" => ulong.Parse(text, CultureInfo.InvariantCulture),
            "Int128" or "Int256" or "UInt128" or "UInt256" => BigInteger.Parse(text, CultureInfo.InvariantCulture),
            "Float32" or "Float64" or "BFloat16" => ParseDouble(text),
            "Decimal" or "Decimal32" or "Decimal64" or "Decimal128" or "Decimal256" => decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
            "Bool" => reader.TokenType == JsonTokenType.True || text == "true",
            "UUID" => Guid.Parse(text),
            "Date" or "Date32" => UtcTime.From(DateTime.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture)),
            "DateTime" or "DateTime64" => ParseDateTime(text),
            _ => text,
        };
    }

    private static double ParseDouble(string text) => text switch
    {
        "inf" or "+inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" or "-nan" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };

    // The engine runs with session_timezone=UTC, so every DateTime it prints is UTC.
    private static DateTime ParseDateTime(string text) =>
        UtcTime.Parse(text);

    private static string Unwrap(string type, string wrapper) =>
        type.StartsWith(wrapper + "(", StringComparison.Ordinal) && type.EndsWith(')')
            ? type.Substring(wrapper.Length + 1, type.Length - wrapper.Length - 2)
            : type;
}
