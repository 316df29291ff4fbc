namespace LlmClusters.Core.Model;

/// <summary>
/// The base of every exception the module throws, as a driver's one base exception is (Npgsql's NpgsqlException):
/// callers catch one type and read one field, <see cref="Kind"/>, never a source's own codes.
/// </summary>
public abstract class LlmClustersException : Exception
{
    protected LlmClustersException(FailureKind kind, string message, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
    }

    public FailureKind Kind { get; }

    /// <summary>What the failure is about (a run id, a path, a trace id) for its error record; null: what the command was working on.</summary>
    public virtual object? Target => null;
}
