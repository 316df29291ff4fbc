namespace LlmClusters.Core.Queries;

/// <summary>A result column: its name and its ClickHouse type, such as <c>Nullable(Float64)</c>.</summary>
public sealed record QueryColumn(string Name, string Type);
