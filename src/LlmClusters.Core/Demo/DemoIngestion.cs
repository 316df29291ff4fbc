using System.Text.RegularExpressions;

namespace LlmClusters.Core.Demo;

/// <summary>
/// What PostHog's ingestion adds to a failed LLM event: <c>$ai_error_normalized</c>, the error with ids and numbers
/// replaced so that its errors tab can group them. The steps and their order are PostHog's
/// (nodejs/src/ingestion/ai/errors/normalize-error.ts); no library does this, so the demo carries the steps itself.
/// </summary>
internal static partial class DemoIngestion
{
    public static string NormalizeError(string error)
    {
        var text = Uuids().Replace(error, "<ID>");
        text = Timestamps().Replace(text, "<TIMESTAMP>");
        text = CloudPaths().Replace(text, "projects/<PATH>");
        text = ResponseIds().Replace(text, "\"responseId\":\"<RESPONSE_ID>\"");
        text = JsonIds().Replace(text, "\"id\": \"<ID>\"");
        text = ToolCallIds().Replace(text, "tool_call_id='<TOOL_CALL_ID>'");
        text = AnthropicToolIds().Replace(text, "<TOOL_ID>");
        text = FunctionCalls().Replace(text, "function call call_<CALL_ID>");
        text = UserIds().Replace(text, "$1user_<USER_ID>");
        text = ObjectIds().Replace(text, "<OBJECT_ID>");
        text = GenericIds().Replace(text, "id='<ID>'");
        text = TokenCounts().Replace(text, "\"tokenCount\":<TOKEN_COUNT>");
        text = LargeNumbers().Replace(text, "<ID>");
        text = Numbers().Replace(text, "<N>");
        return Whitespace().Replace(text, " ").Trim();
    }

    [GeneratedRegex("(req_[a-zA-Z0-9]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})", RegexOptions.IgnoreCase)]
    private static partial Regex Uuids();
    [GeneratedRegex(@"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+Z?")]
    private static partial Regex Timestamps();
    [GeneratedRegex("projects/[0-9a-z-]+(/[a-z]+/[0-9a-z-]+)+", RegexOptions.IgnoreCase)]
    private static partial Regex CloudPaths();
    [GeneratedRegex("\"responseId\":\"[a-zA-Z0-9_-]+\"")]
    private static partial Regex ResponseIds();
    [GeneratedRegex("\"id\":\\s*\"[a-zA-Z0-9_-]+\"")]
    private static partial Regex JsonIds();
    [GeneratedRegex("tool_call_id=['\"][a-zA-Z0-9_-]+['\"]")]
    private static partial Regex ToolCallIds();
    [GeneratedRegex("toolu_[a-zA-Z0-9]+")]
    private static partial Regex AnthropicToolIds();
    [GeneratedRegex("function call call_[a-zA-Z0-9]+")]
    private static partial Regex FunctionCalls();
    [GeneratedRegex("(user_id.{0,4})user_[a-zA-Z0-9]+")]
    private static partial Regex UserIds();
    [GeneratedRegex("0x[0-9a-fA-F]+")]
    private static partial Regex ObjectIds();
    [GeneratedRegex("id=['\"][a-zA-Z0-9_-]+['\"]", RegexOptions.IgnoreCase)]
    private static partial Regex GenericIds();
    [GeneratedRegex("\"tokenCount\":[0-9]+")]
    private static partial Regex TokenCounts();
    [GeneratedRegex("[0-9]{9,}")]
    private static partial Regex LargeNumbers();
    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();
    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
