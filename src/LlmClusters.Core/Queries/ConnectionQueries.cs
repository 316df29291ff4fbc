
namespace LlmClusters.Core.Queries;

/// <summary>What Connect-LlmAnalytics asks a server before it hands out a connection.</summary>
public static class ConnectionQueries
{
    /// <summary>Is the events table there and readable? (No rows are read.)</summary>
    public static SqlQuery TableReadable(EventsTable table) => new(nameof(TableReadable), $"SELECT 1 FROM {table.Quoted} LIMIT 0");

    /// <summary>How many teams wrote events lately? A shared PostHog table holds many, and then queries need a team.</summary>
    public static SqlQuery<long> RecentTeams(EventsTable table) => new(nameof(RecentTeams), $"""
        SELECT uniqExact(team_id) AS teams
        FROM {table.Quoted}
        WHERE timestamp >= now() - INTERVAL 30 DAY AND event IN ('$ai_trace_clusters', '$ai_generation_clusters', '$ai_evaluation_clusters', '$ai_generation')
        """, SqlQuery.NoParameters, r => r.GetInt64("teams") ?? 0);

    /// <summary>The teams whose LLM events or clustering runs the table holds, most events first (at most ten).</summary>
    public static SqlQuery<long> TeamsHeld(EventsTable table) => new(nameof(TeamsHeld), $"""
        SELECT team_id, count() AS events
        FROM {table.Quoted}
        WHERE event IN ('$ai_trace_clusters', '$ai_generation_clusters', '$ai_evaluation_clusters', '$ai_generation', '$ai_trace', '$ai_span', '$ai_embedding')
        GROUP BY team_id
        ORDER BY events DESC, team_id
        LIMIT 10
        """, SqlQuery.NoParameters, r => r.GetInt64("team_id") ?? 0);
}
