using LlmClusters.Core.Model;
using LlmClusters.Core.Traces;

namespace LlmClusters.Tests.Traces;

public sealed class TraceTreeRendererTests
{
    private static readonly DateTime At = new(2026, 3, 28, 10, 0, 0, DateTimeKind.Utc);

    private static TraceEvent Event(string name, int seconds, string? span = null, string? parent = null, string? model = null, string? input = null,
        bool error = false, string? spanName = null) => new()
    {
        Uuid = Guid.NewGuid(), Event = name, Timestamp = At.AddSeconds(seconds), SpanId = span, ParentId = parent, Model = model, Input = input,
        IsError = error, Error = error ? "Tool timed out" : null, SpanName = spanName, Latency = 1.25, Cost = name == "$ai_generation" ? 0.0012 : null,
        InputTokens = name == "$ai_generation" ? 100 : null, OutputTokens = name == "$ai_generation" ? 20 : null,
        Output = name == "$ai_generation" ? "assistant: done" : null,
    };

    private static LlmTrace Trace(params TraceEvent[] events) => new()
    {
        TraceId = "t1", TraceName = "travel-agent", StartTime = At, EventCount = events.Length, TotalCost = 0.0024, TotalLatency = 2.5,
        Events = new TraceEventList(events), UiUrl = "https://us.posthog.com/llm-analytics/traces/t1",
    };

    [Fact]
    public void Children_nest_under_the_span_they_name_as_parent()
    {
        var lines = TraceTreeRenderer.Render(Trace(
            Event("$ai_trace", 0, input: "{\"question\":\"Book a flight\"}"),
            Event("$ai_span", 1, span: "s1", parent: "t1", spanName: "search_flights", error: true),
            Event("$ai_generation", 2, span: "g1", parent: "s1", model: "gpt-4o", input: "system: You are a travel agent.\nuser: Find a flight\nuser: cheap please"),
            Event("$ai_generation", 3, span: "g2", parent: "t1", model: "gpt-4o-mini")));

        Assert.Equal("Trace t1  travel-agent", lines[0]);
        Assert.StartsWith("  2026-03-28 10:00:00 UTC  4 events  $0.00240  2.50 s", lines[1]);
        Assert.Equal("  in:  {\"question\":\"Book a flight\"}", lines[2]);
        Assert.Equal("├─ span search_flights  1.25 s  ERROR", lines[3]);
        Assert.Equal("│  ERROR: Tool timed out", lines[4]);
        Assert.Equal("│  └─ generation gpt-4o  1.25 s  $0.00120  100→20 tokens", lines[5]);
        Assert.Equal("│     in:  system: You are a travel agent.", lines[6]);
        Assert.Equal("│          user: Find a flight …", lines[7]);
        Assert.Equal("│     out: assistant: done", lines[8]);
        Assert.Equal("└─ generation gpt-4o-mini  1.25 s  $0.00120  100→20 tokens", lines[9]);
        Assert.Equal("   in:  (not captured)", lines[10]);  // a generation without its messages (privacy mode)
        Assert.Equal("   out: assistant: done", lines[11]);
        Assert.Equal(12, lines.Count);
    }

    [Fact]
    public void Full_shows_whole_messages_and_previews_are_clipped_to_the_width()
    {
        var long_ = new string('x', 300);
        var trace = Trace(Event("$ai_generation", 1, span: "g", model: "m", input: "user: " + long_ + "\nuser: second\nuser: third"));

        var preview = TraceTreeRenderer.Render(trace, full: false, width: 80);
        var full = TraceTreeRenderer.Render(trace, full: true, width: 80);

        Assert.All(preview, l => Assert.True(l.Length <= 80, l));
        Assert.Contains(full, l => l.EndsWith(long_, StringComparison.Ordinal));
        Assert.Contains(full, l => l.Trim() == "user: third");
        Assert.DoesNotContain(preview, l => l.Contains("third"));
    }

    [Fact]
    public void A_span_that_is_its_own_parent_does_not_loop()
    {
        var lines = TraceTreeRenderer.Render(Trace(Event("$ai_span", 1, span: "s", parent: "s", spanName: "loop")));
        Assert.Equal(3, lines.Count);
    }
}
