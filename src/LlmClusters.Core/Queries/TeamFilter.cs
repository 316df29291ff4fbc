namespace LlmClusters.Core.Queries;

/// <summary>
/// The one team filter. A connection with a team reads that team's events only; without one, every team in the table.
/// The statement names the parameter and the value is bound, so the two are written here together.
/// </summary>
internal static class TeamFilter
{
    private const string Parameter = "team_id";

    /// <summary>The condition that keeps the team's events, or nothing when every team is read.</summary>
    public static string Condition(bool filtered) => filtered ? $"AND team_id = {ClusterQueries.P(Parameter, "Int64")}" : "";

    /// <inheritdoc cref="Condition(bool)"/>
    public static string Condition(long? teamId) => Condition(teamId is not null);

    /// <summary>Binds the team to the statement's parameters when there is one.</summary>
    public static Dictionary<string, object?> Bind(Dictionary<string, object?> parameters, long? teamId)
    {
        if (teamId is { } team) parameters[Parameter] = team;
        return parameters;
    }
}
