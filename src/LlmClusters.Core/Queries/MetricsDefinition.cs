namespace LlmClusters.Core.Queries;

/// <summary>
/// Which of PostHog's two sets of cluster metrics to compute. They differ for trace-level runs, and PostHog keeps both.
/// </summary>
public enum MetricsDefinition
{
    /// <summary>
    /// What PostHog's clusters page shows and the seed's Step 3 computes (clusterMetricsLoader.ts): per trace, over its
    /// generations, embeddings and spans in the window, end included: cost and tokens summed, latency the longest
    /// single event, failed events counted.
    /// </summary>
    Page,

    /// <summary>
    /// What PostHog's clustering workflow stores on a run (trace_clustering/data.py fetch_item_metrics): window end
    /// excluded, cost and tokens over generations and embeddings, latency summed over generations.
    /// </summary>
    Workflow,
}
