using System.Text;

namespace LlmClusters.Core.Queries;

/// <summary>
/// Rewrites calls of one function in SQL text, with their arguments split at the top level. Written by hand: no SQL
/// parser served here reads both ClickHouse SQL and HogQL, and the rewrites needed (a function's name and its trailing
/// constant arguments) only need parentheses and quoted text to be respected.
/// </summary>
public static class SqlCalls
{
    /// <summary>Replaces each call <paramref name="name"/>(args) with what <paramref name="rewrite"/> returns; null keeps the call.</summary>
    public static string Rewrite(string sql, string name, Func<IReadOnlyList<string>, string?> rewrite)
    {
        var output = new StringBuilder(sql.Length);
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (c is '\'' or '`' or '"')
            {
                var end = SkipQuoted(sql, i);
                output.Append(sql, i, end - i);
                i = end;
                continue;
            }
            if (IsNameAt(sql, i, name) && NextNonSpace(sql, i + name.Length) is var open && open < sql.Length && sql[open] == '(')
            {
                var (args, close) = Arguments(sql, open);
                var inner = args.Select(a => Rewrite(a, name, rewrite)).ToList();
                output.Append(rewrite(inner) ?? name + "(" + string.Join(",", inner) + ")");
                i = close + 1;
                continue;
            }
            output.Append(c);
            i++;
        }
        return output.ToString();
    }

    private static bool IsNameAt(string sql, int i, string name) =>
        string.CompareOrdinal(sql, i, name, 0, name.Length) == 0
        && (i == 0 || !IsIdentifierPart(sql[i - 1]))
        && (i + name.Length >= sql.Length || !IsIdentifierPart(sql[i + name.Length]));

    private static (List<string> Args, int Close) Arguments(string sql, int open)
    {
        var args = new List<string>();
        var depth = 0;
        var start = open + 1;
        for (var i = open; i < sql.Length; i++)
        {
            var c = sql[i];
            if (c is '\'' or '`' or '"') { i = SkipQuoted(sql, i) - 1; continue; }
            if (c is '(' or '[') depth++;
            else if (c is ')' or ']')
            {
                depth--;
                if (depth == 0)
                {
                    if (i > start || args.Count > 0) args.Add(sql[start..i]);
                    return (args, i);
                }
            }
            else if (c == ',' && depth == 1)
            {
                args.Add(sql[start..i]);
                start = i + 1;
            }
        }
        throw new FormatException("A function call in the query text is not closed.");
    }

    private static int SkipQuoted(string sql, int start)
    {
        var quote = sql[start];
        var i = start + 1;
        while (i < sql.Length)
        {
            if (sql[i] == '\\') { i += 2; continue; }
            if (sql[i] == quote) return i + 1;
            i++;
        }
        return sql.Length;
    }

    private static int NextNonSpace(string sql, int i)
    {
        while (i < sql.Length && char.IsWhiteSpace(sql[i])) i++;
        return i;
    }

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$';
}
