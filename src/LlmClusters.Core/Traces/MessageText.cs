using System.Text;
using System.Text.Json;

namespace LlmClusters.Core.Traces;

/// <summary>
/// Turns the JSON of $ai_input, $ai_output_choices or a span's state into readable text. Content comes as a string or
/// as a list of parts (text, images, tool calls), choices with or without a "message" wrapper; anything unexpected is
/// shown as its JSON, so one odd message never fails a trace.
/// </summary>
public static class MessageText
{
    public static string? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json == "null") return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            return root.ValueKind switch
            {
                JsonValueKind.Array => string.Join("\n", root.EnumerateArray().Select(Message).Where(m => m.Length > 0)),
                JsonValueKind.Object => IsMessage(root) ? Message(root) : root.GetRawText(),
                JsonValueKind.String => root.GetString(),
                _ => root.GetRawText(),
            };
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static bool IsMessage(JsonElement e) =>
        e.TryGetProperty("role", out _) || e.TryGetProperty("content", out _) || e.TryGetProperty("message", out _);

    private static string Message(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.String) return e.GetString() ?? "";
        if (e.ValueKind != JsonValueKind.Object) return e.GetRawText();
        if (e.TryGetProperty("message", out var wrapped) && wrapped.ValueKind == JsonValueKind.Object) return Message(wrapped);
        if (!IsMessage(e)) return e.GetRawText();

        var builder = new StringBuilder();
        var role = e.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (role is not null) builder.Append(role).Append(": ");
        if (e.TryGetProperty("content", out var content)) builder.Append(Content(content));
        if (e.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            foreach (var call in calls.EnumerateArray()) builder.Append(builder.Length > 0 ? " " : "").Append(ToolCall(call));
        return builder.ToString().TrimEnd();
    }

    private static string Content(JsonElement content) => content.ValueKind switch
    {
        JsonValueKind.String => content.GetString() ?? "",
        JsonValueKind.Null or JsonValueKind.Undefined => "",
        JsonValueKind.Array => string.Join(" ", content.EnumerateArray().Select(Part).Where(p => p.Length > 0)),
        _ => content.GetRawText(),
    };

    private static string Part(JsonElement part)
    {
        if (part.ValueKind == JsonValueKind.String) return part.GetString() ?? "";
        if (part.ValueKind != JsonValueKind.Object) return part.GetRawText();
        var type = part.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String) return text.GetString() ?? "";
        return type switch
        {
            "image" or "image_url" or "input_image" => "[image]",
            "audio" or "input_audio" => "[audio]",
            "file" or "document" => "[file]",
            "tool_use" or "tool_call" or "function" or "function_call" => ToolCall(part),
            "tool_result" => "[tool result] " + (part.TryGetProperty("content", out var c) ? Content(c) : ""),
            _ => part.GetRawText(),
        };
    }

    private static string ToolCall(JsonElement call)
    {
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : call;
        var name = function.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "?";
        var arguments = function.TryGetProperty("arguments", out var a) ? a
            : function.TryGetProperty("input", out var i) ? i : default;
        var args = arguments.ValueKind switch
        {
            JsonValueKind.String => arguments.GetString(),
            JsonValueKind.Undefined => "",
            _ => arguments.GetRawText(),
        };
        return $"[tool call {name}({args})]";
    }
}
