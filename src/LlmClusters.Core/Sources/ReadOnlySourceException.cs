using LlmClusters.Core.Model;

namespace LlmClusters.Core.Sources;

/// <summary>A write was asked of a source the module only reads (PostHog's query API): the message says where to write instead.</summary>
public sealed class ReadOnlySourceException(string message) : LlmClustersException(FailureKind.SourceReadOnly, message);
