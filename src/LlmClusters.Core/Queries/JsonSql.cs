namespace LlmClusters.Core.Queries;

/// <summary>
/// SQL fragments that read PostHog's JSON properties tolerantly: values arrive as numbers, numeric strings, booleans,
/// "true"/"false" strings, null or not at all. Paths are constants of this codebase, never user input.
/// </summary>
internal static class JsonSql
{
    /// <summary>A number, whether stored as a JSON number or a string holding one; NULL when missing or not numeric.</summary>
    public static string Number(string json, params string[] path) =>
        $"toFloat64OrNull(trim(BOTH '\"' FROM JSONExtractRaw({json}, {Path(path)})))";

    /// <summary>A whole number read as <see cref="Number"/> and truncated; NULL when missing or not numeric.</summary>
    public static string Integer(string json, params string[] path) => $"CAST({Number(json, path)} AS Nullable(Int64))";

    /// <summary>A string value; NULL when missing or not a string.</summary>
    public static string Text(string json, params string[] path) =>
        $"if(JSONType({json}, {Path(path)}) = 'String', JSONExtractString({json}, {Path(path)}), NULL)";

    /// <summary>True for JSON true and the string "true" (any case); false otherwise.</summary>
    public static string Flag(string json, params string[] path) =>
        $"lower(trim(BOTH '\"' FROM JSONExtractRaw({json}, {Path(path)}))) = 'true'";

    /// <summary>An ISO-8601 time as DateTime64(6, 'UTC'); NULL when missing or unreadable.</summary>
    public static string Time(string json, params string[] path) =>
        $"parseDateTime64BestEffortOrNull(JSONExtractString({json}, {Path(path)}), 6, 'UTC')";

    /// <summary>Is the value at the path a JSON number, or a string holding one?</summary>
    public static string IsNumeric(string json, params string[] path) =>
        $"(JSONType({json}, {Path(path)}) IN ('Int64', 'UInt64', 'Double') OR {Number(json, path)} IS NOT NULL)";

    private static string Path(string[] path) => string.Join(", ", path.Select(p => "'" + p.Replace("'", "''", StringComparison.Ordinal) + "'"));
}
