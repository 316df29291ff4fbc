namespace LlmClusters.Core.Import;

/// <summary>
/// A file's path as the engine's file() can take it. file() reads its path as a pattern (*, ?, {a,b}, {1..9}), so a file
/// whose name holds one of those characters would be read with others, or not at all; such a file is read through a
/// link of a plain name, made for the import and removed after it.
/// </summary>
internal sealed class GlobFreePath : IDisposable
{
    private static readonly char[] PatternCharacters = ['*', '?', '{', '}'];
    private readonly string? _link;

    public GlobFreePath(string path)
    {
        if (path.IndexOfAny(PatternCharacters) < 0)
        {
            Path = path;
            return;
        }
        var name = System.IO.Path.GetFileName(path);
        var extension = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
            ? System.IO.Path.GetExtension(name[..^3]) + ".gz"
            : System.IO.Path.GetExtension(name);
        _link = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llmclusters-import-" + Guid.NewGuid().ToString("N") + extension);
        File.CreateSymbolicLink(_link, path);
        Path = _link;
    }

    public string Path { get; }

    public void Dispose()
    {
        if (_link is null) return;
        try { File.Delete(_link); } catch (IOException) { }
    }
}
