using LlmClusters.Core.Sources;

namespace LlmClusters.Tests;

/// <summary>
/// One data folder for every test that touches the engine: chDB runs one storage path per process, so these tests
/// share it (in one collection, so they never race) and keep apart by using tables of their own.
/// </summary>
public sealed class EngineFixture : IDisposable
{
    public EngineFixture()
    {
        DataPath = Path.Combine(Path.GetTempPath(), "llmclusters-tests-" + Guid.NewGuid().ToString("N"));
        Source = new EmbeddedSource(DataPath);
    }

    public string DataPath { get; }
    public EmbeddedSource Source { get; }

    /// <summary>A source over a fresh, uniquely named events table in this folder.</summary>
    public EmbeddedSource NewTable(string prefix) =>
        new(DataPath, new EventsTable("t_" + prefix + "_" + Guid.NewGuid().ToString("N")[..8]));

    public void Dispose()
    {
        EmbeddedEngine.Shutdown();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class EngineCollection : ICollectionFixture<EngineFixture>
{
    public const string Name = "Embedded engine";
}
