
namespace LlmClusters.Core.Queries;

/// <summary>
/// A named query together with the one function that reads its rows (<see cref="Read"/>), written beside its SQL: the
/// column names are spelled in one file, and a query whose columns and reader disagree fails QueryRowsTests, which runs
/// every query on the demo data, rather than a user's session.
/// </summary>
public sealed record SqlQuery<TRow>(string Name, string Text, IReadOnlyDictionary<string, object?> Parameters, Func<ResultRow, TRow> Read)
    : SqlQuery(Name, Text, Parameters)
{
    /// <summary>Reads one row; a column the reader names but the result lacks is a defect of the query, said with its name.</summary>
    public TRow ReadRow(ResultRow row)
    {
        try
        {
            return Read(row);
        }
        catch (KeyNotFoundException missing)
        {
            throw new InvalidOperationException($"The rows of query {Name} do not match its reader: {missing.Message}", missing);
        }
    }
}
