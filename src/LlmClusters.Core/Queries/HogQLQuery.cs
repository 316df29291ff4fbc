namespace LlmClusters.Core.Queries;

/// <summary>A question as PostHog's query API takes it: HogQL text with <c>{name}</c> placeholders and their values.</summary>
public sealed record HogQLQuery(string Name, string Text, IReadOnlyDictionary<string, object?> Values);
