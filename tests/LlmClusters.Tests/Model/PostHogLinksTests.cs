using LlmClusters.Core.Clusters;
using LlmClusters.Core.Model;

namespace LlmClusters.Tests.Model;

public sealed class PostHogLinksTests
{
    private static readonly Uri Host = new("https://eu.posthog.com");

    [Fact]
    public void Every_link_names_its_project()
    {
        Assert.Equal("https://eu.posthog.com/project/42/llm-analytics/clusters", PostHogLinks.Clusters(Host, 42));
        Assert.Equal("https://eu.posthog.com/project/42/llm-analytics/clusters/42_trace_20260328_120000_nightly%20run",
            PostHogLinks.Run(Host, 42, "42_trace_20260328_120000_nightly run"));
        Assert.Equal("https://eu.posthog.com/project/42/llm-analytics/clusters/42_trace_20260328_120000/-1",
            PostHogLinks.Cluster(Host, 42, "42_trace_20260328_120000", -1));
    }

    [Fact]
    public void Without_a_known_project_the_link_names_none_and_PostHog_opens_the_current_one()
    {
        Assert.Equal("https://eu.posthog.com/llm-analytics/traces/t1", PostHogLinks.Trace(Host, null, "t1"));
        Assert.Equal("https://eu.posthog.com/llm-analytics/traces/t1", PostHogLinks.Trace(Host, 0, "t1"));
    }

    [Fact]
    public void A_self_hosted_posthog_under_a_path_keeps_the_path()
    {
        Assert.Equal("https://tools.example.com/posthog/project/3/llm-analytics/clusters",
            PostHogLinks.Clusters(new Uri("https://tools.example.com/posthog/?x=1"), 3));
    }

    [Fact]
    public void Trace_links_carry_the_time_in_utc_and_the_event_to_open()
    {
        var local = new DateTimeOffset(2026, 3, 28, 14, 5, 6, TimeSpan.FromHours(2)).LocalDateTime;
        Assert.Equal("https://eu.posthog.com/project/7/llm-analytics/traces/a%2Fb%3Fc?event=g-1&timestamp=2026-03-28T12%3A05%3A06.000Z",
            PostHogLinks.Trace(Host, 7, "a/b?c", local, "g-1"));
        Assert.Equal("https://eu.posthog.com/project/7/llm-analytics/traces/t1?timestamp=2026-03-28T12%3A05%3A06.250Z",
            PostHogLinks.Trace(Host, 7, "t1", new DateTime(2026, 3, 28, 12, 5, 6, 250, DateTimeKind.Unspecified)));
        Assert.Equal("https://eu.posthog.com/project/7/llm-analytics/traces/t1", PostHogLinks.Trace(Host, 7, "t1"));
    }

    [Fact]
    public void Items_link_to_their_trace_and_generation_or_not_at_all()
    {
        var at = new DateTime(2026, 3, 28, 12, 0, 0, DateTimeKind.Utc);
        Assert.Equal("https://eu.posthog.com/project/5/llm-analytics/traces/t1?timestamp=2026-03-28T12%3A00%3A00.000Z",
            ClusterReader.ItemLink(Host, 5, ClusterLevel.trace, "t1", null, at));
        // An evaluation's item opens the generation it judged.
        Assert.Equal("https://eu.posthog.com/project/5/llm-analytics/traces/t1?event=gen-9&timestamp=2026-03-28T12%3A00%3A00.000Z",
            ClusterReader.ItemLink(Host, 5, ClusterLevel.evaluation, "t1", "gen-9", at));
        Assert.Null(ClusterReader.ItemLink(Host, 5, ClusterLevel.evaluation, null, "gen-9", at));
    }
}
