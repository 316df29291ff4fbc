using System.Text;
using LlmClusters.Core.Model;

namespace LlmClusters.Core.Clustering;

/// <summary>
/// The one text per item that is embedded: the trace's name, its spans' names, what the user asked and the final
/// answer, trimmed to a bounded length (MiniLM reads about 256 word pieces). PostHog embeds an LLM-written summary
/// instead (<see cref="ForSummary"/>, where its summarizer wrote one); this is what can be said of a trace without an LLM.
/// </summary>
public static class ItemText
{
    public const int DefaultLength = 1000;

    public static string ForTrace(LlmTrace trace, int maxLength = DefaultLength)
    {
        var generations = trace.Events.Where(e => e.Event == "$ai_generation").OrderBy(e => e.Timestamp).ToList();
        var root = trace.Events.FirstOrDefault(e => e.Event == "$ai_trace");
        var spans = trace.Events.Where(e => e.Event == "$ai_span").Select(e => e.SpanName);
        return Compose(trace.TraceName, spans, UserText(generations.FirstOrDefault()?.Input) ?? root?.Input,
            AnswerText(generations.LastOrDefault()?.Output) ?? root?.Output, maxLength);
    }

    public static string ForGeneration(LlmTrace trace, TraceEvent generation, int maxLength = DefaultLength)
    {
        var parent = trace.Events.FirstOrDefault(e => e.Event == "$ai_span" && e.SpanId is not null && e.SpanId == generation.ParentId);
        return Compose(trace.TraceName, [parent?.SpanName, generation.SpanName], UserText(generation.Input), AnswerText(generation.Output), maxLength);
    }

    /// <summary>
    /// A summary as PostHog's summarizer embeds it (summarize_and_save.py): "Title: …", then "Flow:", "Summary:" and
    /// "Interesting Notes:" sections, each after a blank line, bullets and notes as "- " lines; empty parts left out.
    /// </summary>
    public static string ForSummary(TraceSummary summary, int maxLength = DefaultLength)
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(summary.Title)) parts.Add("Title: " + summary.Title);
        if (!string.IsNullOrEmpty(summary.FlowDiagram)) parts.Add("\nFlow:\n" + summary.FlowDiagram);
        if (summary.Bullets.Count > 0) parts.Add("\nSummary:\n" + string.Join("\n", summary.Bullets.Select(b => "- " + b)));
        if (summary.InterestingNotes.Count > 0) parts.Add("\nInteresting Notes:\n" + string.Join("\n", summary.InterestingNotes.Select(n => "- " + n)));
        var text = string.Join("\n", parts);
        return text.Length <= maxLength ? text : text[..maxLength];
    }

    /// <summary>
    /// An evaluation as PostHog's evaluation clustering embeds it: "Evaluation:", "Verdict:" and "Reasoning:" lines (the
    /// evaluator's description, which PostHog adds, lives in its application database, not in the events).
    /// </summary>
    public static string ForEvaluation(string? name, string verdict, string? reasoning, int maxLength = DefaultLength)
    {
        var text = $"Evaluation: {name ?? "Evaluation"}\nVerdict: {verdict}" + (string.IsNullOrWhiteSpace(reasoning) ? "" : "\nReasoning: " + reasoning.Trim());
        return text.Length <= maxLength ? text : text[..maxLength];
    }

    private static string Compose(string? name, IEnumerable<string?> spans, string? input, string? output, int maxLength)
    {
        var text = new StringBuilder();
        void Add(string? part)
        {
            if (string.IsNullOrWhiteSpace(part)) return;
            if (text.Length > 0) text.Append(". ");
            text.Append(part.Trim());
        }
        Add(name);
        Add(string.Join(" ", spans.Where(s => !string.IsNullOrWhiteSpace(s)).Distinct()));
        Add(input);
        Add(output);
        var whole = string.Join(' ', text.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return whole.Length <= maxLength ? whole : whole[..maxLength];
    }

    // MessageText writes one "role: content" line per message; the user's lines are the question.
    private static string? UserText(string? messages) => Lines(messages, "user: ") ?? Lines(messages, null);

    private static string? AnswerText(string? messages) => Lines(messages, "assistant: ") ?? Lines(messages, null);

    private static string? Lines(string? messages, string? role)
    {
        if (string.IsNullOrWhiteSpace(messages)) return null;
        var lines = messages.Split('\n')
            .Where(l => role is null ? !l.StartsWith("system: ", StringComparison.Ordinal) : l.StartsWith(role, StringComparison.Ordinal))
            .Select(l => role is null ? l : l[role.Length..]).ToList();
        return lines.Count == 0 ? null : string.Join(" ", lines);
    }
}
