using LlmClusters.Core.Model;
using LlmClusters.Core.Queries.Rows;
using static LlmClusters.Core.Queries.ClusterQueries;

namespace LlmClusters.Core.Queries;

/// <summary>The questions Invoke-LlmClustering asks before it clusters on this machine.</summary>
public static class ClusteringQueries
{
    /// <summary>
    /// Which traces (or generations, or evaluations) of a window are clustered? A sample of at most <paramref name="limit"/>, drawn by a
    /// hash of the seed and the item id, so that the same window and seed draw the same items on every source. With a
    /// property filter, only items with an event whose property has the value (trace level: any of the trace's events).
    /// The team is read as "team": team_id is a reserved word of HogQL's, and as an alias it would capture the team filter.
    /// </summary>
    public static SqlQuery<SampledItemRow> SampleItems(EventsTable table, ClusterLevel level, DateTime since, DateTime until, long? teamId, int limit, int seed,
        IReadOnlyList<KeyValuePair<string, string>>? propertyFilter)
    {
        var parameters = new Dictionary<string, object?> { ["since"] = since, ["until"] = until, ["limit"] = limit, ["seed"] = seed.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        TeamFilter.Bind(parameters, teamId);
        var conditions = (propertyFilter ?? []).Select((filter, i) =>
        {
            parameters[$"filter_key_{i}"] = filter.Key;
            parameters[$"filter_value_{i}"] = filter.Value;
            return $"{EventProperties.TextOfParameter(table, filter.Key, P($"filter_key_{i}", "String"))} = {P($"filter_value_{i}", "String")}";
        }).ToList();
        var traceId = $"ifNull({EventProperties.TextOf(table, "$ai_trace_id")}, '')";
        var window = $"""
            timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp < {P("until", "DateTime64(6, 'UTC')")}
                  {TeamFilter.Condition(teamId)}
            """;
        var text = level == ClusterLevel.evaluation
            ? $"""
                SELECT toString(uuid) AS item, {traceId} AS trace_id, timestamp AS first_seen, team_id AS team
                FROM {table.Quoted}
                WHERE event = '$ai_evaluation' AND {window}
                  {string.Concat(conditions.Select(c => "AND " + c + " "))}
                ORDER BY cityHash64(concat({P("seed", "String")}, item)), item
                LIMIT {P("limit", "UInt64")}
                """
            : level == ClusterLevel.generation
            ? $"""
                SELECT toString(uuid) AS item, {traceId} AS trace_id, timestamp AS first_seen, team_id AS team
                FROM {table.Quoted}
                WHERE event = '$ai_generation' AND {window}
                  {string.Concat(conditions.Select(c => "AND " + c + " "))}
                ORDER BY cityHash64(concat({P("seed", "String")}, item)), item
                LIMIT {P("limit", "UInt64")}
                """
            : $"""
                SELECT {traceId} AS item, item AS trace_id, min(timestamp) AS first_seen, any(team_id) AS team
                FROM {table.Quoted}
                WHERE event IN ('$ai_trace', '$ai_generation', '$ai_span', '$ai_embedding') AND {window}
                GROUP BY item
                HAVING item != '' {string.Concat(conditions.Select(c => "AND countIf(" + c + ") > 0 "))}
                ORDER BY cityHash64(concat({P("seed", "String")}, item)), item
                LIMIT {P("limit", "UInt64")}
                """;
        return new SqlQuery<SampledItemRow>(nameof(SampleItems), text, parameters,
            r => new SampledItemRow(r.GetStringOrEmpty("item"), r.GetStringOrEmpty("trace_id"), r.GetDateTime("first_seen"), r.GetInt64("team")));
    }
}
