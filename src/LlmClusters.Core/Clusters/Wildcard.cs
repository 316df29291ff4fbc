using System.Text;
using System.Text.RegularExpressions;

namespace LlmClusters.Core.Clusters;

/// <summary>PowerShell-style wildcards (*, ?, [abc]) matched case-insensitively, usable without PowerShell.</summary>
public sealed class Wildcard
{
    private readonly Regex _regex;

    public Wildcard(string pattern)
    {
        Pattern = pattern;
        var builder = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '*': builder.Append(".*"); break;
                case '?': builder.Append('.'); break;
                case '`' when i + 1 < pattern.Length: builder.Append(Regex.Escape(pattern[++i].ToString())); break;
                case '[':
                    var close = pattern.IndexOf(']', i + 1);
                    if (close > i + 1) { builder.Append('[').Append(Regex.Escape(pattern[(i + 1)..close]).Replace("\\-", "-")).Append(']'); i = close; }
                    else builder.Append("\\[");
                    break;
                default: builder.Append(Regex.Escape(c.ToString())); break;
            }
        }
        _regex = new Regex(builder.Append('$').ToString(), RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);
    }

    public string Pattern { get; }

    public bool IsMatch(string? text) => text is not null && _regex.IsMatch(text);

    public static bool HasWildcards(string pattern) => pattern.IndexOfAny(['*', '?', '[']) >= 0;
}
