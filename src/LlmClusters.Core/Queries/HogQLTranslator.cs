using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;
using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries;

/// <summary>
/// The HogQL form of a query, kept beside its ClickHouse text in one place. The module's queries are written in
/// ClickHouse SQL using only functions that HogQL also exposes (posthog/hogql/functions); what differs is spelled
/// here: HogQL's names for the casts and date parsing (toInt, toFloat, toDateTime, which PostHog prints as the
/// ClickHouse forms used in the text), <c>{name}</c> placeholders instead of typed ones (lists unfold into one
/// placeholder per element, times travel as ISO-8601 UTC text), and no GLOBAL joins (PostHog places its own joins).
/// HogQL adds the team filter itself and returns 100 rows without a LIMIT, so every query is paged explicitly.
/// </summary>
public static partial class HogQLTranslator
{
    /// <summary>HogQL's largest page; PostHog refuses more rows per query.</summary>
    public const int MaxPageSize = 50_000;

    public const string LimitValue = "hogql_page_limit";
    public const string OffsetValue = "hogql_page_offset";

    /// <summary>The HogQL text and values of a query, without paging.</summary>
    public static HogQLQuery Translate(SqlQuery query)
    {
        var values = new Dictionary<string, object?>(StringComparer.Ordinal);
        var text = TypedPlaceholder().Replace(query.Text, match =>
        {
            var name = match.Groups["name"].Value;
            var type = match.Groups["type"].Value.Trim();
            if (!query.Parameters.TryGetValue(name, out var value))
                // As ClickHouse answers a placeholder without a value (UNKNOWN_QUERY_PARAMETER).
                throw new AnalyticsQueryException(query.Name, FailureKind.InvalidQuery, $"The query uses the parameter {name}, which has no value: pass it with -Parameter.", 456, "UNKNOWN_QUERY_PARAMETER");
            return Placeholder(name, type, value, values, PrecededByIn(query.Text, match.Index));
        });
        text = SqlCalls.Rewrite(text, "accurateCastOrNull", args => args.Count != 2 ? null : args[1].Trim() switch
        {
            "'Int64'" => "toInt(" + args[0] + ")",
            "'Float64'" => "toFloat(" + args[0] + ")",
            _ => null,
        });
        text = SqlCalls.Rewrite(text, "parseDateTime64BestEffortOrNull", args =>
            args.Count == 3 && args[1].Trim() == "6" && args[2].Trim() == "'UTC'" ? "toDateTime(" + args[0] + ")" : null);
        text = GlobalJoin().Replace(text, string.Empty);
        return new HogQLQuery(query.Name, text, values);
    }

    /// <summary>One page of the query's rows: the query as a subquery, so its own ORDER BY and LIMIT still hold.</summary>
    public static HogQLQuery Page(HogQLQuery query, int limit, long offset)
    {
        var values = new Dictionary<string, object?>(query.Values, StringComparer.Ordinal)
        {
            [LimitValue] = limit,
            [OffsetValue] = offset,
        };
        return query with
        {
            Text = $"SELECT * FROM (\n{query.Text.TrimEnd().TrimEnd(';')}\n)\nLIMIT {{{LimitValue}}} OFFSET {{{OffsetValue}}}",
            Values = values,
        };
    }

    private static string Placeholder(string name, string type, object? value, Dictionary<string, object?> values, bool afterIn)
    {
        if (type.StartsWith("Array(", StringComparison.Ordinal))
        {
            var items = value is IEnumerable list and not string ? list.Cast<object?>().ToList() : [value];
            var names = items.Select((item, i) =>
            {
                values[$"{name}_{i}"] = Value(item);
                return $"{{{name}_{i}}}";
            }).ToList();
            // An empty list matches nothing, as an empty IN list does in ClickHouse.
            if (afterIn) return names.Count == 0 ? "(NULL)" : "(" + string.Join(", ", names) + ")";
            return "[" + string.Join(", ", names) + "]";
        }
        values[name] = Value(value);
        return type.StartsWith("DateTime", StringComparison.Ordinal) || type.StartsWith("Nullable(DateTime", StringComparison.Ordinal)
            ? $"toDateTime({{{name}}})"
            : $"{{{name}}}";
    }

    /// <summary>A value as JSON carries it to PostHog: times as ISO-8601 UTC text, everything else as its JSON kind.</summary>
    private static object? Value(object? value) => value switch
    {
        DateTime d => UtcTime.From(d).ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        DateTimeOffset o => o.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        Guid g => g.ToString("D"),
        Enum e => e.ToString(),
        _ => value,
    };

    private static bool PrecededByIn(string text, int index)
    {
        var i = index - 1;
        while (i >= 0 && char.IsWhiteSpace(text[i])) i--;
        return i >= 1 && string.Equals(text.Substring(i - 1, 2), "IN", StringComparison.OrdinalIgnoreCase) && (i < 2 || !char.IsLetterOrDigit(text[i - 2]));
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*:\s*(?<type>[^{}]+)\}")]
    private static partial Regex TypedPlaceholder();

    [GeneratedRegex(@"\bGLOBAL\s+(?=(IN|INNER|LEFT|RIGHT|FULL|ANY|ALL|JOIN)\b)", RegexOptions.IgnoreCase)]
    private static partial Regex GlobalJoin();
}
