using System.Text.RegularExpressions;

namespace LlmClusters.Core.Queries;

/// <summary>
/// A statement a user runs (Invoke-LlmQuery), as the database's own parser reads it: formatQuerySingleLine refuses
/// what is not exactly one statement and gives it back normalized (keywords in capitals, comments gone), so whether it
/// only reads, or names an output format, is read off its words rather than guessed from the user's text.
/// </summary>
public sealed partial record UserStatement(string Normalized)
{
    private static readonly string[] ReadingStatements = ["SELECT", "WITH", "SHOW", "DESCRIBE", "DESC", "EXPLAIN", "EXISTS", "CHECK"];

    /// <summary>How the database normalizes a statement (one round trip; no data is read).
    /// A refusal of the statement itself comes back as the database's error.</summary>
    public static SqlQuery<UserStatement> Normalize(string sql) => new("NormalizeStatement", "SELECT formatQuerySingleLine({sql:String}) AS statement",
        new Dictionary<string, object?> { ["sql"] = sql }, r => new UserStatement(r.GetStringOrEmpty("statement")));

    /// <summary>It reads only: a query that writes no table and no file.</summary>
    public bool OnlyReads => ReadingStatements.Contains(Normalized.Split(' ', 2)[0], StringComparer.Ordinal) && !WritesFile;

    /// <summary>It writes its result to a file on the database's machine (INTO OUTFILE).</summary>
    public bool WritesFile => Normalized.Contains(" INTO OUTFILE ", StringComparison.Ordinal);

    /// <summary>The output format it names (FORMAT CSV), which would replace the one the module reads; null when none.</summary>
    public string? OutputFormat => OnlyReads && TrailingFormat().Match(Normalized) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>It changes the session itself (SET, USE), which every later statement of the process shares.</summary>
    public bool ChangesSession => Normalized.Split(' ', 2)[0] is "SET" or "USE";

    /// <summary>Did the database refuse a text because it holds more than one statement, or none?</summary>
    public static string? Refusal(AnalyticsQueryException error) => error.Message switch
    {
        var m when m.Contains("Multi-statements are not allowed", StringComparison.Ordinal) => "MultipleStatements",
        var m when m.Contains("Empty query", StringComparison.Ordinal) => "EmptyStatement",
        _ => null,
    };

    /// <summary>
    /// Is a HogQL text a query (SELECT, WITH, or one in parentheses, after any comments)? HogQL has no other statement, and
    /// PostHog parses it itself, so on PostHog anything else is a write that the project refuses, said as such.
    /// </summary>
    public static bool IsHogQLQuery(string hogql) => HogQLQueryStart().IsMatch(hogql);

    // FORMAT comes last, or before a SETTINGS clause.
    [GeneratedRegex(@"\sFORMAT\s+(\w+)(\s+SETTINGS\s.*)?$")]
    private static partial Regex TrailingFormat();

    [GeneratedRegex(@"^(\s|--[^\n]*(\n|$)|/\*.*?\*/|\()*(SELECT|WITH)\b", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex HogQLQueryStart();
}
