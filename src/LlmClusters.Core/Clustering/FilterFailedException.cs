using LlmClusters.Core.Model;

namespace LlmClusters.Core.Clustering;

/// <summary>The -Filter scriptblock failed on a trace; nothing was written.</summary>
public sealed class FilterFailedException(string traceId, string reason, Exception inner) : LlmClustersException(FailureKind.FilterFailed,
    $"The -Filter scriptblock failed on trace {traceId}: {reason} Nothing was written; fix the scriptblock ($_ is an LlmTrace with TraceName, Models, Events...).", inner)
{
    public string TraceId { get; } = traceId;
    public override object? Target => TraceId;
}
