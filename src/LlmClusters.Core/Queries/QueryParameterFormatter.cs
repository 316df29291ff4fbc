using System.Collections;
using System.Globalization;
using System.Text;
using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries;

/// <summary>
/// Turns a .NET value into the text that ClickHouse parses for a query parameter (the same text for chDB's
/// chdb_query_with_params, the HTTP interface's param_* and the driver). ClickHouse reads a top-level parameter
/// in its "escaped" text form, so backslashes and control characters are escaped; values inside arrays are quoted.
/// </summary>
public static class QueryParameterFormatter
{
    public static string Format(object? value) => value switch
    {
        null => "\\N",
        string s => Escape(s),
        _ when value is not string && value is IEnumerable items => "[" + string.Join(",", items.Cast<object?>().Select(Quote)) + "]",
        _ => Scalar(value),
    };

    private static string Scalar(object value) => value switch
    {
        bool b => b ? "true" : "false",
        DateTime d => FormatDateTime(d),
        DateTimeOffset o => FormatDateTime(o.UtcDateTime),
        Guid g => g.ToString("D"),
        Enum e => Escape(e.ToString()),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Escape(value.ToString() ?? string.Empty),
    };

    /// <summary>
    /// Times go to the database in UTC, with microseconds (the precision of PostHog's timestamp column) only when
    /// there are any, so that whole seconds also bind to a plain DateTime placeholder.
    /// </summary>
    public static string FormatDateTime(DateTime value)
    {
        var utc = UtcTime.From(value);
        var format = utc.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd HH:mm:ss" : "yyyy-MM-dd HH:mm:ss.ffffff";
        return utc.ToString(format, CultureInfo.InvariantCulture);
    }

    private static string Quote(object? value) => value switch
    {
        null => "NULL",
        string s => "'" + EscapeCharacters(s, quote: true) + "'",
        bool or sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal => Scalar(value),
        _ => "'" + EscapeCharacters(Scalar(value), quote: true) + "'",
    };

    private static string Escape(string s) => EscapeCharacters(s, quote: false);

    private static string EscapeCharacters(string s, bool quote)
    {
        var builder = new StringBuilder(s.Length + 8);
        foreach (var c in s)
        {
            switch (c)
            {
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                case '\0': builder.Append("\\0"); break;
                case '\'' when quote: builder.Append("\\'"); break;
                default: builder.Append(c); break;
            }
        }
        return builder.ToString();
    }
}
