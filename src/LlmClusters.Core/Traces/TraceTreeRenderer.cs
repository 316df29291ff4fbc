using System.Globalization;
using System.Text;
using LlmClusters.Core.Formatting;
using LlmClusters.Core.Model;

namespace LlmClusters.Core.Traces;

/// <summary>
/// Renders a trace as a text tree of its spans, generations and embeddings (children under the span whose id is
/// their parent id), each with model, latency, cost, tokens, error, and the first lines of its input and output.
/// </summary>
public static class TraceTreeRenderer
{
    public const int DefaultPreviewLines = 2;

    /// <param name="trace">The trace, with its events.</param>
    /// <param name="full">Every line of each input, output and error, instead of the first lines.</param>
    /// <param name="width">The width lines are fitted to.</param>
    /// <param name="detailed">The summary's bullets and notes under its title (also with <paramref name="full"/>).</param>
    public static IReadOnlyList<string> Render(LlmTrace trace, bool full = false, int width = 120, bool detailed = false)
    {
        // Who the trace is (id and name), then what it took, on as many lines as the width needs: a header never wraps.
        var lines = new List<string> { "Trace " + trace.TraceId + (trace.TraceName is null ? "" : "  " + trace.TraceName) };
        var figures = new List<string>
        {
            Invariant($"{trace.StartTime:yyyy-MM-dd HH:mm:ss} UTC"), Invariant($"{trace.EventCount} events"), NumberText.Cost(trace.TotalCost),
            Invariant($"{trace.TotalLatency:0.00} s"), Invariant($"{trace.InputTokens}→{trace.OutputTokens} tokens"),
        };
        if (trace.ErrorCount > 0) figures.Add(Invariant($"{trace.ErrorCount} error{(trace.ErrorCount == 1 ? "" : "s")}"));
        var line = "";
        foreach (var figure in figures)
        {
            if (line.Length > 0 && line.Length + 2 + figure.Length > width) { lines.Add(line); line = ""; }
            line += "  " + figure;
        }
        lines.Add(line);
        Summary(lines, trace.Summary, detailed || full, full, width);
        if (trace.ContentExpired) Words(lines, "  ", ContentGone, width);
        var root = trace.Events.FirstOrDefault(e => e.Event == "$ai_trace");
        if (root is not null)
        {
            Failure(lines, "  ", root, full, width);
            Details(lines, "  ", root, full, width, trace.ContentExpired);
        }

        var nodes = trace.Events.Where(e => e.Event != "$ai_trace").OrderBy(e => e.Timestamp).ToList();
        var spanIds = nodes.Where(e => e.SpanId is not null).Select(e => e.SpanId!).ToHashSet(StringComparer.Ordinal);
        var children = nodes.Where(e => e.ParentId is not null && spanIds.Contains(e.ParentId) && e.ParentId != e.SpanId)
            .GroupBy(e => e.ParentId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var top = nodes.Where(e => e.ParentId is null || !spanIds.Contains(e.ParentId) || e.ParentId == e.SpanId).ToList();
        Write(lines, top, children, "", full, width, [], trace.ContentExpired);
        return lines.Select(line => TerminalText.Escape(line)!).ToList();
    }

    /// <summary>What PostHog's summarizer made of the trace: its title, and when asked its bullets and notes (whole under -Full).</summary>
    private static void Summary(List<string> lines, TraceSummary? summary, bool detailed, bool full, int width)
    {
        if (summary is null) return;
        lines.Add("  Summary: " + OneLine(summary.ToString(), Math.Max(20, width - 11)));
        if (!detailed) return;
        string Point(string text) => "    - " + (full ? text.Replace('\n', ' ') : OneLine(text, Math.Max(20, width - 6)));
        foreach (var bullet in summary.Bullets) lines.Add(Point(bullet));
        if (summary.InterestingNotes.Count == 0) return;
        lines.Add("    Notes:");
        foreach (var note in summary.InterestingNotes) lines.Add(Point(note));
    }

    /// <summary>Said once per trace whose content is gone, instead of an empty prompt under each step.</summary>
    public const string ContentGone =
        "Content gone: PostHog keeps prompts and answers in ai_events for 30 days by default, and this trace's are no longer there or in events (or, in a data folder, were not imported).";

    /// <summary>A sentence fitted to the width at word breaks, each line after the indent.</summary>
    private static void Words(List<string> lines, string indent, string text, int width)
    {
        var line = "";
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && indent.Length + line.Length + 1 + word.Length > width) { lines.Add(indent + line); line = ""; }
            line += (line.Length > 0 ? " " : "") + word;
        }
        if (line.Length > 0) lines.Add(indent + line);
    }

    private static void Write(List<string> lines, List<TraceEvent> level, Dictionary<string, List<TraceEvent>> children, string indent, bool full, int width,
        HashSet<string> seen, bool contentGone)
    {
        for (var i = 0; i < level.Count; i++)
        {
            var node = level[i];
            var last = i == level.Count - 1;
            lines.Add(indent + (last ? "└─ " : "├─ ") + Describe(node));
            var inner = indent + (last ? "   " : "│  ");
            Failure(lines, inner, node, full, width);
            Details(lines, inner, node, full, width, contentGone);
            // A span id seen twice would loop forever; real data can be that odd.
            if (node.SpanId is not null && seen.Add(node.SpanId) && children.TryGetValue(node.SpanId, out var kids))
                Write(lines, kids.OrderBy(k => k.Timestamp).ToList(), children, inner, full, width, seen, contentGone);
        }
    }

    private static string Describe(TraceEvent e)
    {
        var builder = new StringBuilder();
        switch (e.Event)
        {
            case "$ai_generation":
                builder.Append("generation ").Append(e.Model ?? "?");
                if (e.Provider is not null) builder.Append(" (").Append(e.Provider).Append(')');
                break;
            case "$ai_embedding":
                builder.Append("embedding ").Append(e.Model ?? "?");
                break;
            case "$ai_span":
                builder.Append("span ").Append(e.SpanName ?? "?");
                break;
            default:
                builder.Append(e.Event);
                break;
        }
        if (e.Latency is { } latency) builder.Append(Invariant($"  {latency:0.00} s"));
        if (e.Cost is { } cost && cost > 0) builder.Append("  ").Append(NumberText.Cost(cost));
        if (e.InputTokens is not null || e.OutputTokens is not null) builder.Append(Invariant($"  {e.InputTokens ?? 0}→{e.OutputTokens ?? 0} tokens"));
        if (e.IsError) builder.Append("  ERROR");
        return builder.ToString();
    }

    /// <summary>One line saying what went wrong (with the provider's HTTP status); under -Full, the error as the SDK wrote it.</summary>
    private static void Failure(List<string> lines, string indent, TraceEvent e, bool full, int width)
    {
        if (!e.IsError) return;
        var status = e.HttpStatus is { } code ? Invariant($"HTTP {code}: ") : "";
        lines.Add(indent + "ERROR: " + OneLine(status + (e.Error ?? "(no message)"), Math.Max(20, width - indent.Length - 7)));
        if (full && e.ErrorDetail is { } detail && detail != e.Error)
            Text(lines, indent, "error detail: ", ErrorText.Readable(detail), full: true, width);
    }

    private static void Details(List<string> lines, string indent, TraceEvent e, bool full, int width, bool contentGone)
    {
        // A generation without its messages was captured in privacy mode (or its messages were left out): say so,
        // rather than show a step with nothing in it. A trace whose content is gone said so once, above its tree.
        var priced = e.Event is "$ai_generation" or "$ai_embedding" && !contentGone;
        Text(lines, indent, "in:  ", e.Input ?? (priced ? NotCaptured : null), full, width);
        Text(lines, indent, "out: ", e.Output ?? (e.Event == "$ai_generation" && !e.IsError && !contentGone ? NotCaptured : null), full, width);
    }

    private const string NotCaptured = "(not captured)";

    private static void Text(List<string> lines, string indent, string label, string? text, bool full, int width)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        var all = text.Replace("\r", "", StringComparison.Ordinal).Split('\n').Where(l => l.Trim().Length > 0).ToList();
        var shown = full ? all : all.Take(DefaultPreviewLines).ToList();
        for (var i = 0; i < shown.Count; i++)
        {
            var prefix = indent + (i == 0 ? label : new string(' ', label.Length));
            var more = i == shown.Count - 1 && all.Count > shown.Count;
            lines.Add(full ? prefix + shown[i] : prefix + Clip(shown[i], Math.Max(20, width - prefix.Length - (more ? 2 : 0))) + (more ? " …" : ""));
        }
    }

    private static string OneLine(string text, int width) => Clip(text.Replace('\n', ' ').Replace("\r", "", StringComparison.Ordinal), width);

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..Math.Max(1, width - 1)] + "…";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
