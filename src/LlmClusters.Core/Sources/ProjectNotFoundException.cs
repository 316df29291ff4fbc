using LlmClusters.Core.Model;

namespace LlmClusters.Core.Sources;

/// <summary>The PostHog host has no project of that id that the key may read; the message names the host, the project and the fix.</summary>
public sealed class ProjectNotFoundException(string message) : LlmClustersException(FailureKind.ProjectNotFound, message);
