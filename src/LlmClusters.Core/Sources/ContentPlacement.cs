namespace LlmClusters.Core.Sources;

/// <summary>
/// Where an event's message content (its six heavy properties) is written, as PostHog has placed it over time
/// (domain.md, "ai_events"). Only the module's own store places content; other sources write events whole.
/// </summary>
public enum ContentPlacement
{
    /// <summary>As PostHog writes today: the event whole to ai_events, and without its content to events.</summary>
    Split,

    /// <summary>As PostHog wrote before a team was switched: the event whole to events, nothing to ai_events.</summary>
    EventsOnly,

    /// <summary>As it stands once ai_events' retention dropped it: without its content in events, nothing in ai_events.</summary>
    Gone,
}
