using LlmClusters.Core.Demo;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests;

/// <summary>
/// One data folder for every test that touches the engine: chDB runs one storage path per process, so these tests
/// share it (in one collection, so they never race) and keep apart by using tables of their own.
/// </summary>
public sealed class EngineFixture : IDisposable
{
    public static readonly DateTime DemoEnd = new(2026, 3, 28, 12, 0, 0, DateTimeKind.Utc);

    private readonly Lazy<(EmbeddedSource Source, DemoData Data)> _demo;

    public EngineFixture()
    {
        DataPath = Path.Combine(Path.GetTempPath(), "llmclusters-tests-" + Guid.NewGuid().ToString("N"));
        Source = new EmbeddedSource(DataPath);
        _demo = new Lazy<(EmbeddedSource, DemoData)>(() =>
        {
            var source = NewTable("demo_shared");
            var data = DemoDataGenerator.Generate(new DemoDataOptions { Seed = 11, TraceCount = 1500, End = DemoEnd });
            DemoDataLoader.LoadAsync(new QueryRunner(source), data, null, CancellationToken.None).GetAwaiter().GetResult();
            return (source, data);
        });
    }

    /// <summary>Demo data loaded once for every test that only reads it.</summary>
    public DemoData DemoData => _demo.Value.Data;

    public LlmAnalyticsConnection DemoConnection(Uri? host = null) => new(_demo.Value.Source, postHogHost: host);

    private Sources.ClickHouseHttpEndpoint? _endpoint;

    /// <summary>A loopback stand-in for ClickHouse's HTTP interface over this folder (started on first use).</summary>
    public Sources.ClickHouseHttpEndpoint Endpoint => _endpoint ??= new Sources.ClickHouseHttpEndpoint(DataPath);

    /// <summary>The demo data again, read through ClickHouse.Driver and the loopback endpoint.</summary>
    public LlmAnalyticsConnection DemoConnectionOverClickHouse(Uri? host = null) =>
        new(new ClickHouse.ClickHouseServerSource(new ClickHouse.ClickHouseServerOptions
        {
            Host = "127.0.0.1", Port = (ushort)Endpoint.Port, Table = _demo.Value.Source.Table, Retries = 3,
        }), postHogHost: host);

    public const string PostHogKey = "phx_test_personal_key_0123456789";
    public const long PostHogProject = 1;

    private Sources.PostHogApiEndpoint? _postHog;

    /// <summary>A loopback stand-in for PostHog's API over the demo data (started on first use), with a key per scope case.</summary>
    public Sources.PostHogApiEndpoint PostHog => _postHog ??= NewPostHog();

    /// <summary>Another stand-in for PostHog over the demo data; the caller disposes it.</summary>
    public Sources.PostHogApiEndpoint NewPostHog(bool jobsInternal = false) => new(DataPath, _demo.Value.Source.Table, PostHogProject,
        new Dictionary<string, string[]>
        {
            [PostHogKey] = [Sources.PostHogApiEndpoint.QueryScope, Sources.PostHogApiEndpoint.LlmAnalyticsScope],
            ["phx_only_llm_analytics"] = [Sources.PostHogApiEndpoint.LlmAnalyticsScope],
            ["phx_only_query"] = [Sources.PostHogApiEndpoint.QueryScope],
        }, jobsInternal: jobsInternal);

    /// <summary>The demo data again, read as HogQL through PostHog's query API on loopback.</summary>
    public LlmAnalyticsConnection DemoConnectionOverPostHog(Uri? host = null, int pageSize = 50_000, string key = PostHogKey, long project = PostHogProject) =>
        new(new PostHog.PostHogApiSource(new PostHog.PostHogApiOptions
        {
            Host = PostHog.Host, ProjectId = project, ApiKey = key, PageSize = pageSize, RetryDelay = TimeSpan.FromMilliseconds(20),
        }), postHogHost: host ?? PostHog.Host);

    public string DataPath { get; }
    public EmbeddedSource Source { get; }

    /// <summary>A source over a fresh, uniquely named events table in this folder.</summary>
    public EmbeddedSource NewTable(string prefix) =>
        new(DataPath, new EventsTable("t_" + prefix + "_" + Guid.NewGuid().ToString("N")[..8]));

    public void Dispose()
    {
        _endpoint?.Dispose();
        _postHog?.Dispose();
        EmbeddedEngine.Shutdown();
        try { Directory.Delete(DataPath, recursive: true); } catch (IOException) { }
    }
}

[CollectionDefinition(Name)]
public sealed class EngineCollectionDefinition : ICollectionFixture<EngineFixture>
{
    public const string Name = "Embedded engine";
}
