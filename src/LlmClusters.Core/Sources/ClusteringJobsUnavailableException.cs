namespace LlmClusters.Core.Sources;

/// <summary>The source knows the clustering jobs but will not list them to this caller; the jobs seen on runs stand in.</summary>
public sealed class ClusteringJobsUnavailableException(string message) : Exception(message);
