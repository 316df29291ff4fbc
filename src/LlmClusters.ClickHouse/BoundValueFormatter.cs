using ClickHouse.Driver.ADO.Parameters;
using LlmClusters.Core.Queries;

namespace LlmClusters.ClickHouse;

/// <summary>
/// Gives the driver each parameter in the same text form the embedded engine receives (QueryParameterFormatter), so a
/// query binds the same values on every source; the driver sends it as param_name, and the server does the typing.
/// </summary>
internal sealed class BoundValueFormatter : IParameterFormatter
{
    public string Format(object value, string typeName, string parameterName) => QueryParameterFormatter.Format(value is DBNull ? null : value);
}
