using LlmClusters.Core.Formatting;
using LlmClusters.Core.Traces;

namespace LlmClusters.Tests.Traces;

public sealed class ErrorTextTests
{
    [Theory]
    // Anthropic's body inside the SDK's error object, after the status.
    [InlineData("""{"name":"Error","message":"529 {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}","stack":"Error: 529 ..."}""", null, "Overloaded")]
    // OpenAI's text after the status.
    [InlineData("""{"name":"Error","message":"429 Rate limit reached for gpt-4o-mini","stack":"Error: 429 ..."}""", null, "Rate limit reached for gpt-4o-mini")]
    // Plain text, as older SDKs and other languages write it.
    [InlineData("Tool timed out after 30 s", null, "Tool timed out after 30 s")]
    // Only PostHog's normalized form: its message, status placeholder dropped.
    [InlineData(null, """{"name":"Error","message":"<N> {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}"}""", "Internal server error")]
    // Text that only looks like JSON stays as it is.
    [InlineData("Invalid value {x} in template", null, "Invalid value {x} in template")]
    [InlineData(null, null, null)]
    public void A_failure_reads_as_one_short_line(string? error, string? normalized, string? expected) =>
        Assert.Equal(expected, ErrorText.Line(error, normalized));

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
