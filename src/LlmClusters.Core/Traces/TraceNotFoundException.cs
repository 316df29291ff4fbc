using LlmClusters.Core.Model;

namespace LlmClusters.Core.Traces;

/// <summary>No event of the trace lies between the bounds that were searched.</summary>
public sealed class TraceNotFoundException(string traceId, DateTime since, DateTime until)
    : LlmClustersException(FailureKind.TraceNotFound, $"No events of trace '{traceId}' were found between {since:u} and {until:u}. Widen the bounds with -Since and -Until.")
{
    public string TraceId { get; } = traceId;
    public override object? Target => TraceId;
}
