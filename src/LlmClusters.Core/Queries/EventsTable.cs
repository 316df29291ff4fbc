using System.Text.RegularExpressions;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Queries;

/// <summary>
/// The name of the table holding PostHog's events, optionally with its database. Identifiers cannot be bound as
/// parameters, so this is the one thing spliced into SQL text: it is checked against a strict pattern and quoted.
/// </summary>
public sealed partial record EventsTable
{
    public EventsTable(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || !Identifier().IsMatch(name))
            throw new InvalidTableNameException($"'{name}' is not a table name: use letters, digits and underscores, optionally as database.table.");
        Name = name;
        var parts = name.Split('.');
        Database = parts.Length == 2 ? parts[0] : null;
        Quoted = string.Join(".", parts.Select(p => "`" + p + "`"));
    }

    public static EventsTable Default { get; } = new("events");

    public string Name { get; }
    public string? Database { get; }

    /// <summary>The name ready for SQL text, e.g. <c>`posthog`.`events`</c>.</summary>
    public string Quoted { get; }

    /// <summary>
    /// The columns beside <c>properties</c> that hold properties, as the source found them (see
    /// <see cref="QueryRunner.DescribedTableAsync"/>); none until then, which every table can answer.
    /// </summary>
    public PropertyColumns Columns { get; init; }

    /// <summary>
    /// Where this table's events keep their message content since PostHog split them (domain.md, "ai_events"): the
    /// <c>ai_events</c> beside <c>events</c> in its database, <c>sharded_ai_events</c> beside <c>sharded_events</c>,
    /// else the table's name with <c>_ai_events</c> after it (so that tables of their own keep their content apart).
    /// </summary>
    public EventsTable AiEvents => new(AiEventsName());

    /// <summary>
    /// The heavy columns the source's <see cref="AiEvents"/> table has (see
    /// <see cref="QueryRunner.ContentTableAsync"/>); null until asked, <see cref="ContentColumns.None"/> when it has none.
    /// </summary>
    public ContentColumns? Content { get; init; }

    private string AiEventsName()
    {
        var local = Database is null ? Name : Name[(Database.Length + 1)..];
        var paired = local == "events" || local.EndsWith("_events", StringComparison.Ordinal)
            ? local[..^"events".Length] + "ai_events"
            : local + "_ai_events";
        return Database is null ? paired : Database + "." + paired;
    }

    public override string ToString() => Name;

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,127}(\.[A-Za-z_][A-Za-z0-9_]{0,127})?$")]
    private static partial Regex Identifier();
}
