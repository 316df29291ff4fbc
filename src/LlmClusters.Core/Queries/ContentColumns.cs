namespace LlmClusters.Core.Queries;

/// <summary>
/// Which of the heavy columns of PostHog's <c>ai_events</c> table a source has: where today's PostHog keeps each
/// event's prompts, answers and span state (posthog/models/ai_events/sql.py). None: the source has no such table, and
/// every event's content is read from <c>events.properties</c>, as PostHog wrote it before the split.
/// </summary>
[Flags]
public enum ContentColumns
{
    None = 0,
    Input = 1,
    Output = 2,
    OutputChoices = 4,
    InputState = 8,
    OutputState = 16,
    Tools = 32,
    All = Input | Output | OutputChoices | InputState | OutputState | Tools,
}
