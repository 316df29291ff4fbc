using LlmClusters.Core.Model;

namespace LlmClusters.Core.Queries;

/// <summary>A table name that is not an identifier (letters, digits and underscores, optionally database.table).</summary>
public sealed class InvalidTableNameException(string message) : LlmClustersException(FailureKind.InvalidTableName, message);
