using System.Text;
using System.Text.RegularExpressions;

namespace LlmClusters.Core.Model;

/// <summary>
/// A PowerShell wildcard (<c>*</c>, <c>?</c>, <c>[abc]</c>, <c>[a-c]</c>, a backtick before a character to take it
/// literally), matched case-insensitively as PowerShell matches names: here, on values already read, and in the
/// database, as the RE2 regular expression that ClickHouse's (and HogQL's) <c>match</c> runs. One translation serves
/// both, so a name matches the same in either place. Written by hand: RE2's syntax differs from .NET's (no escaping of
/// spaces or '#'), and no library translates PowerShell's wildcards into it; the form written is one both engines read.
/// </summary>
public sealed class Wildcard
{
    private const string Re2Special = @"\.+*?()|[]{}^$";

    private readonly Regex _regex;

    public Wildcard(string pattern)
    {
        Pattern = pattern;
        _regex = new Regex(ToRegex(pattern), RegexOptions.CultureInvariant);
    }

    public string Pattern { get; }

    public bool IsMatch(string? text) => text is not null && _regex.IsMatch(text);

    public static bool HasWildcards(string pattern) => pattern.IndexOfAny(['*', '?', '[']) >= 0;

    /// <summary>The whole-text, case-insensitive RE2 form of <paramref name="wildcard"/>; a name without wildcards matches itself only.</summary>
    public static string ToRegex(string wildcard)
    {
        var builder = new StringBuilder("(?i)^", wildcard.Length + 8);
        for (var i = 0; i < wildcard.Length; i++)
        {
            var c = wildcard[i];
            switch (c)
            {
                case '*': builder.Append(".*"); break;
                case '?': builder.Append('.'); break;
                case '`' when i + 1 < wildcard.Length: Literal(builder, wildcard[++i]); break;
                case '[' when wildcard.IndexOf(']', i + 1) is var close && close > i + 1:
                    builder.Append('[');
                    foreach (var member in wildcard[(i + 1)..close])
                        if (member == '-') builder.Append('-');
                        else Literal(builder, member);
                    builder.Append(']');
                    i = close;
                    break;
                default: Literal(builder, c); break;
            }
        }
        return builder.Append('$').ToString();
    }

    private static void Literal(StringBuilder builder, char c)
    {
        if (Re2Special.Contains(c, StringComparison.Ordinal)) builder.Append('\\');
        builder.Append(c);
    }
}
