namespace LlmClusters.Core.Clustering;

/// <summary>What Invoke-LlmClustering embeds for each trace or generation.</summary>
public enum ItemTextSource
{
    /// <summary>PostHog's summaries when at least half the sampled items have one (only those are clustered), else the content.</summary>
    Auto,

    /// <summary>PostHog's summaries, as its own clustering embeds them; items without one are left out.</summary>
    Summary,

    /// <summary>What the trace says: its name, spans, the user's question and the final answer.</summary>
    Content,
}
