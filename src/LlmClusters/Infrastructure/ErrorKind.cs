using System.Management.Automation;

namespace LlmClusters.Infrastructure;

/// <summary>One condition the module reports: its stable error id, its category, and what the user can do about it.</summary>
internal sealed record ErrorKind(string Id, ErrorCategory Category, string RecommendedAction);
