using LlmClusters.Core.Model;

namespace LlmClusters.Core.Sources;

/// <summary>The embedded engine's data folder cannot be used: it is a file, or it cannot be created or written.</summary>
public sealed class InvalidDataFolderException : LlmClustersException
{
    public InvalidDataFolderException(string path, string reason, Exception? inner = null)
        : base(FailureKind.InvalidDataPath, $"The data folder '{path}' cannot be used: {reason}. Pass -Path with a folder you can write to, or leave it out to use the default folder.", inner)
    {
        Path = path;
    }

    public string Path { get; }
    public override object? Target => Path;
}
