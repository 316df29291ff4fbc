using LlmClusters.Core.Model;
using LlmClusters.Core.Queries.Rows;
using static LlmClusters.Core.Queries.ClusterQueries;

namespace LlmClusters.Core.Queries;

/// <summary>
/// The summaries PostHog's summarizer writes (trace_summarization/summarize_and_save.py): one $ai_trace_summary per
/// summarized trace, one $ai_generation_summary per summarized generation, what trace and generation clusters are made of.
/// </summary>
public static class SummaryQueries
{
    /// <summary>Items per statement: the ids are bound as a list, which travels in the request.</summary>
    public const int ItemsPerStatement = 2_000;

    /// <summary>
    /// Why are these items in their cluster? The newest summary of each within the run's window (both ends included), as
    /// PostHog's clusters page loads them (traceSummaryLoader.ts): traces by $ai_trace_id, generations by $ai_generation_id.
    /// </summary>
    public static SqlQuery<ItemSummaryRow> ItemSummaries(EventsTable table, ClusterLevel level, DateTime windowStart, DateTime windowEnd, long? teamId,
        IReadOnlyCollection<string> itemIds)
    {
        var byGeneration = level == ClusterLevel.generation;
        var id = EventProperties.TextOf(table, byGeneration ? "$ai_generation_id" : "$ai_trace_id");
        var parameters = TeamFilter.Bind(new Dictionary<string, object?>
        {
            ["event"] = byGeneration ? "$ai_generation_summary" : "$ai_trace_summary",
            ["window_start"] = windowStart,
            ["window_end"] = windowEnd,
            ["items"] = itemIds.ToArray(),
        }, teamId);
        var text = new EventProperties(table).Text("title", "$ai_summary_title").Text("flow", "$ai_summary_flow_diagram");
        return new SqlQuery<ItemSummaryRow>(nameof(ItemSummaries), $"""
            SELECT item_id,
                   argMax(e_title, timestamp) AS title,
                   argMax(e_flow, timestamp) AS flow_diagram,
                   argMax(bullets, timestamp) AS bullets,
                   argMax(notes, timestamp) AS notes,
                   max(timestamp) AS written
            FROM (
                SELECT {id} AS item_id, timestamp, {text.Columns},
                       {EventProperties.JsonOf(table, "$ai_summary_bullets")} AS bullets,
                       {EventProperties.JsonOf(table, "$ai_summary_interesting_notes")} AS notes
                FROM {table.Quoted}
                WHERE event = {P("event", "String")}
                  AND timestamp >= {P("window_start", "DateTime64(6, 'UTC')")} AND timestamp <= {P("window_end", "DateTime64(6, 'UTC')")}
                  {TeamFilter.Condition(teamId)}
                  AND {id} IN {P("items", "Array(String)")}
            )
            GROUP BY item_id
            """, parameters, r => new ItemSummaryRow(r.GetStringOrEmpty("item_id"), r.GetString("title"), r.GetString("flow_diagram"),
                r.GetString("bullets"), r.GetString("notes"), r.GetDateTime("written")));
    }
}
