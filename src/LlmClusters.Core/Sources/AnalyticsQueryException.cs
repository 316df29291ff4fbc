using System.Text.RegularExpressions;

namespace LlmClusters.Core.Sources;

/// <summary>The database refused or failed a statement. Keeps ClickHouse's error code and name so scripts can tell errors apart.</summary>
public sealed partial class AnalyticsQueryException : Exception
{
    public AnalyticsQueryException(string queryName, int code, string errorName, string message)
        : base(message)
    {
        QueryName = queryName;
        Code = code;
        ErrorName = errorName;
    }

    /// <summary>The named query that failed (see Queries/).</summary>
    public string QueryName { get; }

    /// <summary>ClickHouse's numeric error code (62 is a syntax error, 60 an unknown table), or 0 when there is none.</summary>
    public int Code { get; }

    /// <summary>ClickHouse's error name, such as SYNTAX_ERROR, or an empty string.</summary>
    public string ErrorName { get; }

    /// <summary>Reads ClickHouse's "Code: N. DB::Exception: text (NAME) (version ...)" form; any other text is kept whole.</summary>
    public static AnalyticsQueryException FromClickHouseText(string queryName, string text)
    {
        var trimmed = text.Trim();
        var match = ClickHouseError().Match(trimmed);
        if (!match.Success) return new AnalyticsQueryException(queryName, 0, string.Empty, trimmed);
        var message = match.Groups["message"].Value.Trim();
        return new AnalyticsQueryException(queryName, int.Parse(match.Groups["code"].Value), match.Groups["name"].Value, message);
    }

    [GeneratedRegex(@"^Code:\s*(?<code>\d+)\.\s*(?:DB::Exception:\s*)?(?<message>.*?)(?:\s*\((?<name>[A-Z][A-Z0-9_]+)\))?(?:\s*\(version .*\))?\.?$", RegexOptions.Singleline)]
    private static partial Regex ClickHouseError();
}
