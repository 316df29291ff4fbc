using LlmClusters.Core.Model;

namespace LlmClusters.Core.Sources;

/// <summary>
/// The source knows the clustering jobs but will not list them to this caller; the jobs seen on runs stand in. Caught
/// where the jobs are listed; should it ever escape, it is the key being refused.
/// </summary>
public sealed class ClusteringJobsUnavailableException(string message) : LlmClustersException(FailureKind.LoginFailed, message);
