namespace LlmClusters.Core.Model;

/// <summary>One event of a trace: the trace root, a span, a generation or an embedding, with its messages as text.</summary>
public sealed record TraceEvent
{
    public required Guid Uuid { get; init; }
    public required string Event { get; init; }
    public DateTime Timestamp { get; init; }
    public string? SpanId { get; init; }
    public string? ParentId { get; init; }
    public string? SpanName { get; init; }
    public string? Model { get; init; }
    public string? Provider { get; init; }
    public double? Latency { get; init; }
    public double? Cost { get; init; }
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }
    public bool IsError { get; init; }
    public string? Error { get; init; }

    /// <summary>The input as readable text: one "role: content" line per message, or the span's input state.</summary>
    public string? Input { get; init; }

    /// <summary>The output as readable text: the output choices, or the span's output state.</summary>
    public string? Output { get; init; }

    public override string ToString() => $"{Event} {Model ?? SpanName}";
}
