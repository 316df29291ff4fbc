using LlmClusters.Core.Model;

namespace LlmClusters.Core.Clustering;

/// <summary>-K asks for more clusters than half the items found: most clusters would hold one item.</summary>
public sealed class TooManyClustersException(int k, int items) : LlmClustersException(FailureKind.TooManyClusters,
    $"-K {k} asks for {k} clusters of {items} items, so most clusters would hold a single item. Choose -K {Math.Max(2, items / 2)} or less, " +
    "or cluster more items (-MaxSamples, a wider -Since).")
{
    public int K { get; } = k;
    public override object? Target => K;
}
