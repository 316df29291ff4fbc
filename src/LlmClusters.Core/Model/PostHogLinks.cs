namespace LlmClusters.Core.Model;

/// <summary>Links into PostHog's LLM-analytics UI, built as PostHog's own routes are.</summary>
public static class PostHogLinks
{
    public static string Run(Uri host, string runId) => Base(host) + "/llm-analytics/clusters/" + Uri.EscapeDataString(runId);

    public static string Cluster(Uri host, string runId, int clusterId) => Run(host, runId) + "/" + clusterId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static string Trace(Uri host, string traceId, string? eventId = null) =>
        Base(host) + "/llm-analytics/traces/" + Uri.EscapeDataString(traceId) + (eventId is null ? "" : "?event=" + Uri.EscapeDataString(eventId));

    private static string Base(Uri host) => host.GetLeftPart(UriPartial.Path).TrimEnd('/');
}
