namespace LlmClusters.Core.Queries.Rows;

/// <summary>The newest summary of one item, from <see cref="SummaryQueries.ItemSummaries"/>; bullets and notes as their JSON.</summary>
public sealed record ItemSummaryRow(string ItemId, string? Title, string? FlowDiagram, string? BulletsJson, string? NotesJson, DateTime? Timestamp);
