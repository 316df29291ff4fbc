using LlmClusters.Core.Model;

namespace LlmClusters.Core.Sources;

/// <summary>Another process has the data folder open: the embedded engine lets one process use a folder at a time.</summary>
public sealed class DataFolderInUseException(string path, string? holder)
    : LlmClustersException(FailureKind.DataFolderInUse, $"The data folder '{path}' is in use by {holder ?? "another process"}: the embedded engine lets one process use a folder at a time. " +
                "Run Disconnect-LlmAnalytics in the other PowerShell session (or close it), or connect to another folder with -Path.")
{
    public string Path { get; } = path;
    public override object? Target => Path;
}
