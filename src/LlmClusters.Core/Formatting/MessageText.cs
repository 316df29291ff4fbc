using System.Text;
using System.Text.Json;

namespace LlmClusters.Core.Formatting;

/// <summary>
/// Turns the JSON of $ai_input, $ai_output_choices or a span's state into readable text, in the shapes PostHog's SDKs
/// write: content as a string or as a list of parts (text, images, OpenAI "function" parts, Anthropic tool_use and
/// tool_result), choices with or without a "message" wrapper, OpenAI tool_calls, Responses API function_call and
/// function_call_output items (which the SDK writes as a user message holding the item's JSON), and LangChain's
/// serialized messages and prompt values (lc_kwargs, with the role in "type"). Anything unexpected is shown as its
/// JSON, so one odd message never fails a trace.
/// </summary>
public static class MessageText
{
    public static string? FromJson(string? json) => FromJson(json, out _);

    /// <param name="json">The property's JSON as stored.</param>
    /// <param name="malformed">The text is not JSON at all (it is returned as it is).</param>
    public static string? FromJson(string? json, out bool malformed)
    {
        malformed = false;
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
            malformed = true;
            return json;
        }
    }

    private static bool IsMessage(JsonElement e) =>
        e.TryGetProperty("role", out _) || e.TryGetProperty("content", out _) || e.TryGetProperty("message", out _) || Serialized(e) is not null;

    /// <summary>The fields of a LangChain object serialized by the SDK (lc_kwargs) or by LangChain's own toJSON (kwargs).</summary>
    private static JsonElement? Serialized(JsonElement e) =>
        e.TryGetProperty("lc_kwargs", out var k) && k.ValueKind == JsonValueKind.Object ? k
        : e.TryGetProperty("lc", out _) && e.TryGetProperty("kwargs", out var kw) && kw.ValueKind == JsonValueKind.Object ? kw
        : null;

    // LangChain names a message's role by its type (human, ai) or its class (HumanMessage).
    private static string? Role(JsonElement e)
    {
        if (e.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String) return r.GetString();
        var type = e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is null && e.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.Array && id.GetArrayLength() > 0
            && id[id.GetArrayLength() - 1] is { ValueKind: JsonValueKind.String } last)
            type = last.GetString();
        return type switch
        {
            "human" or "HumanMessage" or "HumanMessageChunk" => "user",
            "ai" or "AIMessage" or "AIMessageChunk" => "assistant",
            "system" or "SystemMessage" => "system",
            "tool" or "ToolMessage" => "tool",
            _ => null,
        };
    }

    private static string Message(JsonElement e)
    {
        if (e.ValueKind == JsonValueKind.String) return e.GetString() ?? "";
        if (e.ValueKind != JsonValueKind.Object) return e.GetRawText();
        if (e.TryGetProperty("message", out var wrapped) && wrapped.ValueKind == JsonValueKind.Object) return Message(wrapped);
        if (IsItem(e)) return ItemMessage(e);
        if (Serialized(e) is { } fields) return SerializedMessage(e, fields);
        if (!IsMessage(e)) return e.GetRawText();

        var builder = new StringBuilder();
        if (e.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String && ItemIn(content.GetString()) is { } item)
            return item;
        var role = Role(e);
        if (role is not null) builder.Append(role).Append(": ");
        if (e.TryGetProperty("content", out content)) builder.Append(Content(content));
        if (e.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
            foreach (var call in calls.EnumerateArray()) builder.Append(builder.Length > 0 ? " " : "").Append(ToolCall(call));
        return builder.ToString().TrimEnd();
    }

    private static string SerializedMessage(JsonElement e, JsonElement fields)
    {
        // A prompt value holds its messages; a message holds its content, and its role beside the fields.
        if (fields.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array)
            return string.Join("\n", messages.EnumerateArray().Select(Message).Where(m => m.Length > 0));
        var role = Role(e) ?? Role(fields);
        var text = fields.TryGetProperty("content", out var c) ? Content(c) : "";
        var calls = fields.TryGetProperty("tool_calls", out var tc) && tc.ValueKind == JsonValueKind.Array
            ? string.Join(" ", tc.EnumerateArray().Select(ToolCall)) : "";
        return ((role is null ? "" : role + ": ") + string.Join(" ", new[] { text, calls }.Where(x => x.Length > 0))).TrimEnd();
    }

    // The Responses API's input and output items that are not messages.
    private static bool IsItem(JsonElement e) =>
        e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() is "function_call" or "function_call_output" or "reasoning";

    private static string ItemMessage(JsonElement item) =>
        (item.GetProperty("type").GetString() == "function_call_output" ? "tool: " : "assistant: ") + Part(item);

    /// <summary>A Responses item the SDK wrote as a message's text (a user message holding the item's JSON), rendered as the item.</summary>
    private static string? ItemIn(string? text)
    {
        if (text is null || !text.StartsWith("{\"type\":", StringComparison.Ordinal)) return null;
        try
        {
            using var document = JsonDocument.Parse(text);
            return IsItem(document.RootElement) ? ItemMessage(document.RootElement) : null;
        }
        catch (JsonException)
        {
            return null;
        }
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
            "function_call_output" => "[tool result] " + (part.TryGetProperty("output", out var o) ? Content(o) : ""),
            "reasoning" => "[reasoning]",
            _ => part.GetRawText(),
        };
    }

    private static string ToolCall(JsonElement call)
    {
        var function = call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : call;
        var name = function.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "?";
        var arguments = function.TryGetProperty("arguments", out var a) ? a
            : function.TryGetProperty("input", out var i) ? i
            : function.TryGetProperty("args", out var g) ? g : default;
        var args = arguments.ValueKind switch
        {
            JsonValueKind.String => arguments.GetString(),
            JsonValueKind.Undefined => "",
            _ => arguments.GetRawText(),
        };
        return $"[tool call {name}({args})]";
    }
}
