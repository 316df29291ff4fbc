namespace LlmClusters.Core.Queries;

/// <summary>
/// One statement, named after the question it answers. Values never enter <see cref="Text"/>: they travel in
/// <see cref="Parameters"/> and are bound by the database to the <c>{name:Type}</c> placeholders.
/// </summary>
public record SqlQuery(string Name, string Text, IReadOnlyDictionary<string, object?> Parameters)
{
    public SqlQuery(string name, string text) : this(name, text, NoParameters) { }

    /// <summary>The parameters of a statement that has none.</summary>
    public static readonly IReadOnlyDictionary<string, object?> NoParameters = new Dictionary<string, object?>();

    /// <summary>How long this statement may run, where it differs from the connection's limit (zero: no limit).</summary>
    public TimeSpan? TimeLimit { get; init; }

    /// <summary>
    /// The statement changes data or schema (an insert, CREATE, DROP): it is never retried, never streamed, and is
    /// refused where the source only reads. Every other named query only reads.
    /// </summary>
    public bool Writes { get; init; }

    /// <summary>The parameters as the text form ClickHouse parses for each placeholder type.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> BoundValues() =>
        Parameters.Select(p => new KeyValuePair<string, string>(p.Key, QueryParameterFormatter.Format(p.Value))).ToList();
}
