using LlmClusters.Core.Formatting;
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

    /// <summary>Input tokens read from the provider's prompt cache, and written to it (Anthropic's cache creation).</summary>
    public long? CacheReadTokens { get; init; }
    public long? CacheWriteTokens { get; init; }

    /// <summary>Seconds until the first token of a streamed answer.</summary>
    public double? TimeToFirstToken { get; init; }

    public bool IsError { get; init; }

    /// <summary>What went wrong, in one line (see <see cref="ErrorText"/>).</summary>
    public string? Error { get; init; }

    /// <summary>The error as the SDK wrote it: often the JSON of the thrown error, with its stack and the provider's body.</summary>
    public string? ErrorDetail { get; init; }

    /// <summary>The provider's HTTP status (429, 500, 529...), where the SDK wrote one.</summary>
    public int? HttpStatus { get; init; }

    /// <summary>The input as readable text: one "role: content" line per message, or the span's input state.</summary>
    public string? Input { get; init; }

    /// <summary>The output as readable text: the output choices, or the span's output state.</summary>
    public string? Output { get; init; }

    public override string ToString() => $"{Event} {Model ?? SpanName}";
}
