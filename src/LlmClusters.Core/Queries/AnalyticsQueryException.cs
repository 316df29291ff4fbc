using System.Text.RegularExpressions;
using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries;

/// <summary>
/// The database refused or failed a statement. Its kind is decided by the source that ran it; ClickHouse's error code
/// and name are kept (where the engine gave them) so scripts can tell errors apart.
/// </summary>
public sealed partial class AnalyticsQueryException : LlmClustersException
{
    public AnalyticsQueryException(string queryName, FailureKind kind, string message, int code = 0, string errorName = "")
        : base(kind, message)
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

    /// <summary>
    /// The failure as ClickHouse reports it, for the two sources that run ClickHouse itself (the embedded engine and a
    /// server): its "Code: N. DB::Exception: text (NAME) (version ...)" form read, its code made the module's kind.
    /// Any other text is kept whole, as a failed query.
    /// </summary>
    public static AnalyticsQueryException FromClickHouseText(string queryName, string text, int code = 0)
    {
        var trimmed = text.Trim();
        var match = ClickHouseError().Match(trimmed);
        if (!match.Success) return new AnalyticsQueryException(queryName, KindOf(code), trimmed, code);
        code = int.Parse(match.Groups["code"].Value, System.Globalization.CultureInfo.InvariantCulture);
        return new AnalyticsQueryException(queryName, KindOf(code), match.Groups["message"].Value.Trim(), code, match.Groups["name"].Value);
    }

    /// <summary>ClickHouse's error codes (src/Common/ErrorCodes.cpp) as the module's kinds.</summary>
    private static FailureKind KindOf(int clickHouseCode) => clickHouseCode switch
    {
        62 => FailureKind.SqlSyntaxError,                       // SYNTAX_ERROR
        60 or 81 => FailureKind.TableNotFound,                  // UNKNOWN_TABLE, UNKNOWN_DATABASE
        47 or 46 or 43 or 53 or 456 => FailureKind.InvalidQuery, // UNKNOWN_IDENTIFIER, UNKNOWN_FUNCTION, ILLEGAL_TYPE_OF_ARGUMENT, TYPE_MISMATCH, UNKNOWN_QUERY_PARAMETER
        164 => FailureKind.SourceReadOnly,                      // READONLY
        159 => FailureKind.QueryTimeout,                        // TIMEOUT_EXCEEDED
        _ => FailureKind.QueryFailed,
    };

    [GeneratedRegex(@"^Code:\s*(?<code>\d+)\.\s*(?:DB::Exception:\s*)?(?<message>.*?)(?:\s*\((?<name>[A-Z][A-Z0-9_]+)\))?(?:\s*\(version .*\))?\.?$", RegexOptions.Singleline)]
    private static partial Regex ClickHouseError();
}
