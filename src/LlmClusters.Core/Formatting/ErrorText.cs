using System.Text.Json;
using System.Text.RegularExpressions;

namespace LlmClusters.Core.Formatting;

/// <summary>
/// One short line for a failure. PostHog's SDKs write <c>$ai_error</c> as the JSON of the thrown error (name, message,
/// stack, status, headers), whose message often holds the provider's own error body after the HTTP status
/// (<c>529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}</c>); PostHog's ingestion
/// writes <c>$ai_error_normalized</c>, the same text with ids and every number replaced (<c>gpt-4o</c> becomes
/// <c>gpt-&lt;N&gt;o</c>), which its errors tab groups by. The line is the innermost message of the error as written,
/// else of the normalized text when the event has only that; the status, shown beside the line, is dropped from its front.
/// </summary>
public static partial class ErrorText
{
    /// <summary>
    /// The line for a failure: from the error the SDK wrote, else PostHog's normalized error; null when neither is there.
    /// The status in front of the message is dropped only when it is the event's own (shown beside the line).
    /// </summary>
    public static string? Line(string? error, string? normalized, int? httpStatus = null)
    {
        var text = !string.IsNullOrWhiteSpace(error) ? error : normalized;
        if (string.IsNullOrWhiteSpace(text)) return null;
        var line = Innermost(text.Trim(), depth: 0);
        if (httpStatus is { } status && LeadingStatus().Match(line) is { Success: true } lead
            && lead.Groups["status"].Value is var found && (found == "<N>" || found == status.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            line = line[lead.Length..];
        line = Whitespace().Replace(line, " ").Trim();
        return line.Length > 0 ? line : text.Trim();
    }

    /// <summary>The error as written, for reading whole: an error object as one "field: value" line per field (its stack on lines of their own).</summary>
    public static string Readable(string error)
    {
        try
        {
            using var document = JsonDocument.Parse(error);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return error;
            return string.Join("\n", document.RootElement.EnumerateObject().Select(p =>
                p.Name + ": " + (p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString() : p.Value.GetRawText())));
        }
        catch (JsonException)
        {
            return error;
        }
    }

    // Providers nest their error bodies a few levels deep at most; the bound keeps odd data from recursing far.
    private static string Innermost(string text, int depth)
    {
        if (depth > 4) return text;
        var start = text.IndexOf('{', StringComparison.Ordinal);
        if (start < 0) return text;
        try
        {
            using var document = JsonDocument.Parse(text[start..]);
            var message = MessageOf(document.RootElement);
            if (message is null) return text;
            return Innermost(message.Trim(), depth + 1);
        }
        catch (JsonException)
        {
            return text;
        }
    }

    /// <summary>The message an error object carries: its own, or its nested error's (OpenAI's and Anthropic's bodies).</summary>
    private static string? MessageOf(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object) return null;
        if (e.TryGetProperty("error", out var inner))
        {
            if (inner.ValueKind == JsonValueKind.Object && MessageOf(inner) is { } nested) return nested;
            if (inner.ValueKind == JsonValueKind.String) return inner.GetString();
        }
        foreach (var name in (string[])["message", "detail", "msg"])
            if (e.TryGetProperty(name, out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 } text) return text;
        return null;
    }

    // "429 Rate limit…", "<N> {…}" (the normalized form), "Error: 500 …": the status the SDK put in front of the message.
    [GeneratedRegex(@"^(?:Error:\s*)?(?<status>\d{3}|<N>)\s+(?=\S)")]
    private static partial Regex LeadingStatus();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
