using System.Globalization;

namespace LlmClusters.Core.Model;

/// <summary>
/// Links into PostHog's LLM-analytics UI, built as PostHog's own routes are. Each names its project: PostHog adds
/// /project/&lt;id&gt; only to a link that lacks it, and then with whichever project the user last had open
/// (addProjectIdIfMissing). The old /llm-analytics/ routes redirect to /ai-observability/ and keep the query string,
/// so these work on old and new PostHog alike. Where no project is known (events imported without a team), the link
/// leaves it out and PostHog opens it in the user's current project, rather than naming a project that is not.
/// </summary>
public static class PostHogLinks
{
    public static string Clusters(Uri host, long? team) => Project(host, team) + "/llm-analytics/clusters";

    public static string Run(Uri host, long? team, string runId) => Clusters(host, team) + "/" + Uri.EscapeDataString(runId);

    public static string Cluster(Uri host, long? team, string runId, int clusterId) =>
        Run(host, team, runId) + "/" + clusterId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A trace; with the time of the item it was reached from, as PostHog's own links carry it, so that the trace page
    /// looks in the right time range; with an event id, that event opened.
    /// </summary>
    public static string Trace(Uri host, long? team, string traceId, DateTime? timestamp = null, string? eventId = null)
    {
        var query = new List<string>();
        if (eventId is not null) query.Add("event=" + Uri.EscapeDataString(eventId));
        if (timestamp is { } at) query.Add("timestamp=" + Uri.EscapeDataString(Iso(at)));
        return TraceBase(host, team) + Uri.EscapeDataString(traceId) + (query.Count > 0 ? "?" + string.Join("&", query) : "");
    }

    /// <summary>Where trace links start; a trace's id (escaped) follows.</summary>
    public static string TraceBase(Uri host, long? team) => Project(host, team) + "/llm-analytics/traces/";

    /// <summary>A time as PostHog's links write it: ISO-8601 in UTC.</summary>
    public static string Iso(DateTime at) =>
        UtcTime.From(at).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static string Project(Uri host, long? team) =>
        host.GetLeftPart(UriPartial.Path).TrimEnd('/') + (team is > 0 ? "/project/" + team.Value.ToString(CultureInfo.InvariantCulture) : "");
}
