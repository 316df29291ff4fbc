using LlmClusters.Core.Model;

namespace LlmClusters.Core.Import;

/// <summary>A file could not be imported; nothing of it was added. The message names the file and the engine's reason.</summary>
public sealed class ImportFailedException(string path, string reason, Exception? inner = null)
    : LlmClustersException(FailureKind.ImportFailed, $"'{path}' was not imported, and nothing of it was added: {reason}", inner)
{
    public string Path { get; } = path;
    public override object? Target => Path;
}
