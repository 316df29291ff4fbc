using LlmClusters.Core.Model;
namespace LlmClusters.Core.Demo;

/// <summary>How one demo clustering run is made; together the plans cover every run shape in PostHog's data.</summary>
internal sealed record DemoRunPlan(
    ClusterLevel Level,
    string? JobName,
    bool HasJob,
    string? RunLabel,
    int WindowStartDaysBack,
    int WindowEndDaysBack,
    int MinutesAfterWindow,
    string Method,
    DemoMetricsForm Metrics,
    bool Legacy = false,
    string[]? OnlyKinds = null);
