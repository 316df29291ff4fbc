namespace LlmClusters.Core.Queries;

/// <summary>
/// Which of PostHog's columns filled from <c>properties</c> at insert time an events table has. Each saves a query
/// from parsing the whole properties text (prompts and answers included) to read a small property.
/// </summary>
[Flags]
public enum PropertyColumns
{
    /// <summary>Only <c>properties</c>: every property is parsed from the JSON text.</summary>
    None = 0,

    /// <summary><c>mat_$ai_trace_id</c>: the trace id.</summary>
    TraceId = 1,

    /// <summary><c>properties_group_ai</c>: every small <c>$ai_*</c> property, as text.</summary>
    AiGroup = 2,

    All = TraceId | AiGroup,

    /// <summary>
    /// The source compiles HogQL's <c>properties.$ai_x</c> to the cheapest column its table has (PostHog's query API),
    /// so queries name the property and let it choose.
    /// </summary>
    ChosenBySource = 4,
}
