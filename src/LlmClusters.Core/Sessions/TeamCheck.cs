using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Sessions;

/// <summary>
/// Why a connection with a team may find nothing: the store holds other teams only. PostHog's S3 batch export writes
/// no team_id, so an export imported without -TeamId is team 0, while run ids name the project (2_trace_...).
/// </summary>
public static class TeamCheck
{
    /// <summary>A sentence naming the teams the store holds when it holds none of the connection's team; null otherwise (or on PostHog, where a key sees one team).</summary>
    public static async Task<string?> OtherTeamsAsync(LlmAnalyticsConnection connection, IQueryObserver? observer, CancellationToken cancellationToken)
    {
        if (connection.TeamId is not { } team || connection.AnalyticsSource.ScopedToOneTeam) return null;
        var runner = connection.CreateRunner(observer);
        var teams = await runner.ListAsync(ConnectionQueries.TeamsHeld(runner.Source.Table), cancellationToken).ConfigureAwait(false);
        if (teams.Count == 0 || teams.Contains(team)) return null;
        return $"The store holds no LLM events of team {team}, only of team{(teams.Count == 1 ? "" : "s")} {string.Join(", ", teams)}: " +
               $"connect with -TeamId {teams[0]}, or without -TeamId (an S3 batch export imported without -TeamId is stored as team 0).";
    }
}
