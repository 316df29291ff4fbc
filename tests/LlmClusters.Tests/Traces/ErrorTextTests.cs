using LlmClusters.Core.Formatting;

namespace LlmClusters.Tests.Traces;

public sealed class ErrorTextTests
{
    [Theory]
    // Anthropic's body inside the SDK's error object, after the status.
    [InlineData("""{"name":"Error","message":"529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}","stack":"Error: 529 ..."}""", null, 529, "Overloaded")]
    // OpenAI's text after the status, which is shown beside the line.
    [InlineData("""{"name":"Error","message":"429 Rate limit reached for gpt-4o-mini","stack":"Error: 429 ..."}""", null, 429, "Rate limit reached for gpt-4o-mini")]
    // Without the status beside it, the status stays in the line; a number that is not the status is the message's own.
    [InlineData("""{"name":"Error","message":"429 Rate limit reached"}""", null, null, "429 Rate limit reached")]
    [InlineData("500 rows were too many", null, 429, "500 rows were too many")]
    // Plain text, as older SDKs and other languages write it.
    [InlineData("Tool timed out after 30 s", null, null, "Tool timed out after 30 s")]
    // Only PostHog's normalized form: its message.
    [InlineData(null, """{"name":"Error","message":"<N> {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}"}""", 500, "Internal server error")]
    // Text that only looks like JSON stays as it is.
    [InlineData("Invalid value {x} in template", null, null, "Invalid value {x} in template")]
    [InlineData(null, null, null, null)]
    public void A_failure_reads_as_one_short_line(string? error, string? normalized, int? status, string? expected) =>
        Assert.Equal(expected, ErrorText.Line(error, normalized, status));

    [Fact]
    public void The_whole_error_reads_one_field_per_line_with_its_stack_on_lines_of_its_own()
    {
        var readable = ErrorText.Readable("""{"name":"Error","message":"boom","stack":"Error: boom\n    at f (a.js:1:1)","status":500}""");
        Assert.Equal(["name: Error", "message: boom", "stack: Error: boom", "    at f (a.js:1:1)", "status: 500"], readable.Split('\n'));
    }

    [Theory]
    [InlineData(0, "$0")]
    [InlineData(0.00000032, "$0.000000320")]
    [InlineData(0.0024, "$0.00240")]
    [InlineData(0.5, "$0.500")]
    [InlineData(1234.5678, "$1,234.57")]
    public void Costs_show_three_significant_digits(double dollars, string expected) => Assert.Equal(expected, NumberText.Cost(dollars));
}
