using System.Text.Json;

namespace LlmClusters.Core.Model;

/// <summary>
/// What PostHog's summarizer wrote about a trace ($ai_trace_summary) or a generation ($ai_generation_summary): the text
/// PostHog embeds to cluster it, and the title its clusters page shows beside each item.
/// </summary>
public sealed record TraceSummary
{
    public string? Title { get; init; }
    public string? FlowDiagram { get; init; }
    public IReadOnlyList<string> Bullets { get; init; } = [];
    public IReadOnlyList<string> InterestingNotes { get; init; } = [];

    /// <summary>When the summary was written.</summary>
    public DateTime? Timestamp { get; init; }

    /// <summary>Whether some bullet or note was neither text nor an object with a text, and was left out.</summary>
    internal bool HadUnreadable { get; init; }

    /// <summary>PostHog's placeholder for an item without a summary, or whose summary has no title.</summary>
    public const string Untitled = "Untitled";

    public override string ToString() => string.IsNullOrWhiteSpace(Title) ? Untitled : Title;

    /// <summary>
    /// A summary from its properties as stored. Bullets and notes are JSON arrays of objects with a text (PostHog writes
    /// {"text", "line_refs"}); a plain string in the array is taken as it is, an array written as a JSON string is read
    /// as the array, and a string that is not one is one bullet. Anything else is left out (HadUnreadable).
    /// </summary>
    public static TraceSummary From(string? title, string? flowDiagram, string? bulletsJson, string? notesJson, DateTime? timestamp)
    {
        var bullets = Lines(bulletsJson, out var badBullets);
        var notes = Lines(notesJson, out var badNotes);
        return new TraceSummary
        {
            Title = string.IsNullOrEmpty(title) ? null : title,
            FlowDiagram = string.IsNullOrEmpty(flowDiagram) ? null : flowDiagram,
            Bullets = bullets,
            InterestingNotes = notes,
            Timestamp = timestamp,
            HadUnreadable = badBullets || badNotes,
        };
    }

    private static List<string> Lines(string? json, out bool unreadable)
    {
        unreadable = false;
        var lines = new List<string>();
        if (string.IsNullOrWhiteSpace(json) || json == "null") return lines;
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            // HogQL hands a string property back unquoted: text that is not JSON is one bullet.
            lines.Add(json);
            return lines;
        }
        if (root.ValueKind == JsonValueKind.String)
        {
            var text = root.GetString()!;
            if (text.TrimStart().StartsWith('[')) return Lines(text, out unreadable);
            if (text.Length > 0) lines.Add(text);
            return lines;
        }
        if (root.ValueKind != JsonValueKind.Array)
        {
            unreadable = true;
            return lines;
        }
        foreach (var entry in root.EnumerateArray())
        {
            var text = entry.ValueKind switch
            {
                JsonValueKind.String => entry.GetString(),
                JsonValueKind.Object when entry.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String => t.GetString(),
                _ => null,
            };
            if (string.IsNullOrEmpty(text)) unreadable = true;
            else lines.Add(text);
        }
        return lines;
    }
}
