using LlmClusters.Core.Formatting;

namespace LlmClusters.Tests.Traces;

public sealed class MessageTextTests
{
    [Fact]
    public void String_content_becomes_role_lines() =>
        Assert.Equal("system: Be brief.\nuser: Hi there",
            MessageText.FromJson("""[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi there"}]"""));

    [Fact]
    public void Parts_become_text_with_markers_for_images_and_tool_calls() =>
        Assert.Equal("user: Look at this [image] and [tool call search({\"q\":\"x\"})]",
            MessageText.FromJson("""[{"role":"user","content":[{"type":"text","text":"Look at this"},{"type":"image_url","image_url":{"url":"data:"}},{"type":"text","text":"and"},{"type":"tool_use","name":"search","input":{"q":"x"}}]}]"""));

    [Fact]
    public void Choices_with_a_message_wrapper_and_tool_calls_are_read() =>
        Assert.Equal("assistant: Done. [tool call book({\"id\":1})]",
            MessageText.FromJson("""[{"index":0,"message":{"role":"assistant","content":"Done.","tool_calls":[{"function":{"name":"book","arguments":"{\"id\":1}"}}]}}]"""));

    [Theory]
    [InlineData("""{"question":"why?"}""", """{"question":"why?"}""")]
    [InlineData("\"plain text\"", "plain text")]
    [InlineData("[1, {\"weird\": true}, null]", "1\n{\"weird\": true}\nnull")]
    [InlineData("not json at all", "not json at all")]
    [InlineData("""[{"role":"user","content":null}]""", "user:")]
    [InlineData("""[{"role":"user","content":42}]""", "user: 42")]
    public void Odd_shapes_never_fail(string json, string expected) => Assert.Equal(expected, MessageText.FromJson(json));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("null")]
    public void Nothing_reads_as_nothing(string? json) => Assert.Null(MessageText.FromJson(json));
}
