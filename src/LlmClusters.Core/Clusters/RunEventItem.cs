namespace LlmClusters.Core.Clusters;

/// <summary>One item of a cluster as a run event stores it: its key (trace id or generation uuid) and placement.</summary>
public sealed record RunEventItem(string Key, double DistanceToCentroid, int Rank, double X, double Y, DateTime Timestamp, string TraceId, string? GenerationId);
