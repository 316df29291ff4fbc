
namespace LlmClusters.Core.Queries;

/// <summary>
/// The one place that decides how a query reads an event's property, from the cheapest column that holds it: the trace
/// id from <c>mat_$ai_trace_id</c>, a small <c>$ai_*</c> property from the <c>properties_group_ai</c> map (as PostHog's
/// HogQL compiles <c>properties.$ai_x</c>), anything else from the properties text; on PostHog's API, HogQL's
/// <c>properties.$ai_x</c>, which PostHog compiles to whichever of those its table has. The properties a query reads
/// from the text are read by one typed JSONExtract into a tuple: one parse of the text per event, however many there
/// are (a parse costs the same for one field as for fifteen). Values read the same from every column: text as
/// Nullable(String) (NULL when missing), numbers as Nullable(Float64) (JSON numbers and numeric strings; NULL for
/// anything else), and <c>true</c> or <c>"true"</c> as the text 'true'.
/// </summary>
public sealed class EventProperties
{
    /// <summary>The properties PostHog's map leaves out (posthog/models/event/sql.py): the large ones.</summary>
    public static readonly IReadOnlyList<string> LeftOutOfGroup =
        ["$ai_input", "$ai_input_state", "$ai_output", "$ai_output_choices", "$ai_output_state", "$ai_tools"];

    private readonly EventsTable _table;
    private readonly List<(string Alias, string Name, bool Number)> _reads = [];
    private readonly string _tuple;

    /// <param name="table">The table, with the columns its source found.</param>
    /// <param name="prefix">Prefixes each alias, so the columns do not capture the query's own aliases.</param>
    public EventProperties(EventsTable table, string prefix = "e_")
    {
        _table = table;
        Prefix = prefix;
        _tuple = prefix + "json";
    }

    public string Prefix { get; }

    /// <summary>Reads a text property as the column <c>{prefix}{alias}</c>.</summary>
    public EventProperties Text(string alias, string property) => Add(alias, property, number: false);

    /// <summary>Reads a numeric property as the column <c>{prefix}{alias}</c>.</summary>
    public EventProperties Number(string alias, string property) => Add(alias, property, number: true);

    private EventProperties Add(string alias, string property, bool number)
    {
        _reads.Add((Prefix + alias, property, number));
        return this;
    }

    /// <summary>The SELECT items that read every property asked for, each under its alias.</summary>
    public string Columns
    {
        get
        {
            var fromText = _reads.Where(r => FromColumn(_table, r.Name, r.Number) is null).ToList();
            var items = new List<string>();
            if (fromText.Count > 0)
                items.Add($"JSONExtract(properties, 'Tuple({string.Join(", ", fromText.Select(r => $"`{r.Name}` {Type(r.Number)}"))})') AS {_tuple}");
            foreach (var (alias, name, number) in _reads)
                items.Add((FromColumn(_table, name, number) ?? $"tupleElement({_tuple}, '{name}')") + " AS " + alias);
            return string.Join(", ", items);
        }
    }

    /// <summary>One text property, standing alone (a filter): its column, else one parse of the properties text.</summary>
    public static string TextOf(EventsTable table, string property) =>
        FromColumn(table, property, number: false) ?? $"JSONExtract(properties, {Literal(property)}, 'Nullable(String)')";

    /// <summary>
    /// One property's JSON as written (an array or an object, as a summary's bullets are), NULL when missing: read from
    /// the properties text, since the map keeps text values only; on PostHog's API, HogQL's property, which it prints raw.
    /// </summary>
    public static string JsonOf(EventsTable table, string property) =>
        table.Columns.HasFlag(PropertyColumns.ChosenBySource)
            ? $"toString(properties.{Checked(property)})"
            : $"nullIf(JSONExtractRaw(properties, {Literal(property)}), '')";

    /// <summary>One text property bound as a parameter (a filter the user names): its column when it has one, else the text.</summary>
    public static string TextOfParameter(EventsTable table, string property, string placeholder) =>
        InGroup(table, property)
            ? $"if(mapContains(properties_group_ai, {placeholder}), properties_group_ai[{placeholder}], NULL)"
            : $"JSONExtract(properties, {placeholder}, 'Nullable(String)')";

    private static string Type(bool number) => number ? "Nullable(Float64)" : "Nullable(String)";

    private static bool InGroup(EventsTable table, string property) =>
        table.Columns.HasFlag(PropertyColumns.AiGroup) && property.StartsWith("$ai_", StringComparison.Ordinal) && !LeftOutOfGroup.Contains(property);

    private static string? FromColumn(EventsTable table, string property, bool number)
    {
        // HogQL's field access, which PostHog types by the property's definition (a Boolean $ai_is_error comes back as
        // a Bool, a Numeric one as a Float): text is read through toString, which gives 'true' for a Bool as the other
        // columns do. accurateCastOrNull is what HogQL's toFloat prints (HogQLTranslator writes it so).
        if (table.Columns.HasFlag(PropertyColumns.ChosenBySource))
            return number ? $"accurateCastOrNull(properties.{Checked(property)}, 'Float64')" : $"toString(properties.{Checked(property)})";
        if (property == "$ai_trace_id" && !number && table.Columns.HasFlag(PropertyColumns.TraceId)) return "`mat_$ai_trace_id`";
        if (!InGroup(table, property)) return null;
        var value = $"properties_group_ai[{Literal(property)}]";
        // The map holds every value as text and has no key for a missing or null property ('' is read then).
        return number ? $"toFloat64OrNull({value})" : $"if(mapContains(properties_group_ai, {Literal(property)}), {value}, NULL)";
    }

    private static string Literal(string property) => "'" + Checked(property) + "'";

    // Property names are the module's own constants (checked here), never a user's text.
    private static string Checked(string property) =>
        property.Length > 0 && property.All(c => char.IsAsciiLetterOrDigit(c) || c is '$' or '_')
            ? property
            : throw new ArgumentException($"'{property}' is not a property name the module reads.", nameof(property));
}
