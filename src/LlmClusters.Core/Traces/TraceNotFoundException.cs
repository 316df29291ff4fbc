using LlmClusters.Core.Model;

namespace LlmClusters.Core.Traces;

/// <summary>
/// No event of the trace lies between the bounds that were searched: asked for by id, or listed and gone by the time it
/// was read whole (retention, a store deleted since), where wider bounds would not help.
/// </summary>
public sealed class TraceNotFoundException(string traceId, DateTime since, DateTime until, bool listed = false)
    : LlmClustersException(FailureKind.TraceNotFound, listed
        ? $"Trace '{traceId}' was listed, but no events of it were left between {since:u} and {until:u} when it was read whole (PostHog's retention, or a store deleted since)."
        : $"No events of trace '{traceId}' were found between {since:u} and {until:u}. Widen the bounds with -Since and -Until.")
{
    public string TraceId { get; } = traceId;
    public override object? Target => TraceId;
}
