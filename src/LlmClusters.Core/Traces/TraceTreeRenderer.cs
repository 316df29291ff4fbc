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

    public static IReadOnlyList<string> Render(LlmTrace trace, bool full = false, int width = 120)
    {
        var lines = new List<string>
        {
            Invariant($"Trace {trace.TraceId}{(trace.TraceName is null ? "" : "  " + trace.TraceName)}  {trace.StartTime:yyyy-MM-dd HH:mm:ss} UTC  {trace.EventCount} events  ${trace.TotalCost:0.00000}  {trace.TotalLatency:0.00} s  {trace.InputTokens}→{trace.OutputTokens} tokens")
                + (trace.ErrorCount > 0 ? Invariant($"  {trace.ErrorCount} error(s)") : ""),
        };
        var root = trace.Events.FirstOrDefault(e => e.Event == "$ai_trace");
        if (root is not null)
        {
            if (root.IsError) lines.Add("  ERROR: " + OneLine(root.Error ?? "(no message)", width));
            Details(lines, "  ", root, full, width);
        }

        var nodes = trace.Events.Where(e => e.Event != "$ai_trace").OrderBy(e => e.Timestamp).ToList();
        var spanIds = nodes.Where(e => e.SpanId is not null).Select(e => e.SpanId!).ToHashSet(StringComparer.Ordinal);
        var children = nodes.Where(e => e.ParentId is not null && spanIds.Contains(e.ParentId) && e.ParentId != e.SpanId)
            .GroupBy(e => e.ParentId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var top = nodes.Where(e => e.ParentId is null || !spanIds.Contains(e.ParentId) || e.ParentId == e.SpanId).ToList();
        Write(lines, top, children, "", full, width, []);
        return lines.Select(line => TerminalText.Escape(line)!).ToList();
    }

    private static void Write(List<string> lines, List<TraceEvent> level, Dictionary<string, List<TraceEvent>> children, string indent, bool full, int width,
        HashSet<string> seen)
    {
        for (var i = 0; i < level.Count; i++)
        {
            var node = level[i];
            var last = i == level.Count - 1;
            lines.Add(indent + (last ? "└─ " : "├─ ") + Describe(node));
            var inner = indent + (last ? "   " : "│  ");
            if (node.IsError) lines.Add(inner + "ERROR: " + OneLine(node.Error ?? "(no message)", width));
            Details(lines, inner, node, full, width);
            // A span id seen twice would loop forever; real data can be that odd.
            if (node.SpanId is not null && seen.Add(node.SpanId) && children.TryGetValue(node.SpanId, out var kids))
                Write(lines, kids.OrderBy(k => k.Timestamp).ToList(), children, inner, full, width, seen);
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
        if (e.Cost is { } cost && cost > 0) builder.Append(Invariant($"  ${cost:0.00000}"));
        if (e.InputTokens is not null || e.OutputTokens is not null) builder.Append(Invariant($"  {e.InputTokens ?? 0}→{e.OutputTokens ?? 0} tokens"));
        if (e.IsError) builder.Append("  ERROR");
        return builder.ToString();
    }

    private static void Details(List<string> lines, string indent, TraceEvent e, bool full, int width)
    {
        Text(lines, indent, "in:  ", e.Input, full, width);
        Text(lines, indent, "out: ", e.Output, full, width);
    }

    private static void Text(List<string> lines, string indent, string label, string? text, bool full, int width)
    {
        if (string.IsNullOrWhiteSpace(text)) return;
        var all = text.Replace("\r", "", StringComparison.Ordinal).Split('\n').Where(l => l.Trim().Length > 0).ToList();
        var shown = full ? all : all.Take(DefaultPreviewLines).ToList();
        for (var i = 0; i < shown.Count; i++)
        {
            var prefix = indent + (i == 0 ? label : new string(' ', label.Length));
            lines.Add(full ? prefix + shown[i] : prefix + Clip(shown[i], Math.Max(20, width - prefix.Length)) + (i == shown.Count - 1 && all.Count > shown.Count ? " …" : ""));
        }
    }

    private static string OneLine(string text, int width) => Clip(text.Replace('\n', ' ').Replace("\r", "", StringComparison.Ordinal), width);

    private static string Clip(string text, int width) => text.Length <= width ? text : text[..Math.Max(1, width - 1)] + "…";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
