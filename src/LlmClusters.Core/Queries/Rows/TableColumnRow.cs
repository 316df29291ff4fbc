namespace LlmClusters.Core.Queries.Rows;

/// <summary>One column of the events table, from <see cref="EventQueries.PropertyColumnsOf"/>: its name and type.</summary>
public sealed record TableColumnRow(string Name, string Type);
