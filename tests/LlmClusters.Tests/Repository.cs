namespace LlmClusters.Tests;

/// <summary>Files of this repository, found upward from where the tests run (bin/Release/net10.0 of a test project).</summary>
public static class Repository
{
    public static string File(string relativePath)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, relativePath);
            if (System.IO.File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"{relativePath} was not found above {AppContext.BaseDirectory}.");
    }
}
