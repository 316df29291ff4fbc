namespace LlmClusters.Core.Model;

/// <summary>Where an LlmCluster's metric properties came from.</summary>
public enum MetricsSource
{
    /// <summary>None were read or computed (-NoMetrics, or a run that cannot be measured).</summary>
    None,

    /// <summary>The run's own metrics object, as PostHog's clusters page shows for evaluation-level runs.</summary>
    Run,

    /// <summary>Computed from the events, as PostHog's clusters page computes them for trace- and generation-level runs.</summary>
    Computed,
}
