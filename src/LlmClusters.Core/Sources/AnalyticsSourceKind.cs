namespace LlmClusters.Core.Sources;

/// <summary>Where the SQL runs.</summary>
public enum AnalyticsSourceKind
{
    Embedded,
    ClickHouse,
    PostHog,
}
