using LlmClusters.Core.Model;

namespace LlmClusters.Core.Sources;

/// <summary>
/// A ClickHouse connection string that cannot be read. It carries no inner exception: the parser's message may quote
/// the string, password included.
/// </summary>
public sealed class InvalidConnectionStringException(string message) : LlmClustersException(FailureKind.InvalidConnectionString, message);
