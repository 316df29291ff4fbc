using LlmClusters.Core.Components;

namespace LlmClusters.Tests.Components;

/// <summary>The installer over real HTTP on loopback, against stand-ins of the npm registry's and NuGet's APIs.</summary>
public sealed class ComponentInstallerTests : IDisposable
{
    private static readonly byte[] Library = Enumerable.Range(0, 3_000_000).Select(i => (byte)(i * 7)).ToArray();
    private readonly PackageRegistryEndpoint _registry = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("llmclusters-components-").FullName;
    private readonly HttpClient _http = new();

    public void Dispose()
    {
        _registry.Dispose();
        _http.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private ComponentInstaller Installer(Uri? npm = null) => new(_http, npm ?? _registry.Url, new Uri(_registry.Url, "v3/index.json"));

    [Fact]
    public async Task An_npm_package_is_fetched_checked_and_its_file_placed_once()
    {
        var sha = _registry.PublishNpm("@chdb/lib-test", "1.2.3", "package/libtest.so", Library);
        var component = new ModuleComponent("Test", ComponentRegistry.Npm, "@chdb/lib-test", "1.2.3", sha, "package/libtest.so", null);
        var reports = new List<ComponentProgress>();

        var first = await Installer().InstallAsync(component, _folder, force: false, new SynchronousProgress<ComponentProgress>(reports.Add), CancellationToken.None);
        var requests = _registry.Requests;
        var again = await Installer().InstallAsync(component, _folder, force: false, null, CancellationToken.None);

        Assert.True(first.Downloaded);
        Assert.Equal(Path.Combine(_folder, "test", "1.2.3", "libtest.so"), first.Path);
        Assert.Equal(Library, await File.ReadAllBytesAsync(first.Path));
        Assert.NotEmpty(reports);
        Assert.Equal(reports[^1].Total, reports[^1].Received);
        Assert.False(again.Downloaded);
        Assert.Equal(requests, _registry.Requests);
        Assert.Equal([first.Path], Directory.GetFiles(Path.GetDirectoryName(first.Path)!));  // no download or partial file left
    }

    [Fact]
    public async Task A_nuget_package_is_fetched_through_the_service_index()
    {
        var sha = _registry.PublishNuGet("Some.Model", "2.0.0", "lib/net8.0/Some.Model.dll", Library);
        var component = new ModuleComponent("Model", ComponentRegistry.NuGet, "Some.Model", "2.0.0", sha, "lib/net8.0/Some.Model.dll", null);

        var installed = await Installer().InstallAsync(component, _folder, force: false, null, CancellationToken.None);

        Assert.Equal(Library, await File.ReadAllBytesAsync(installed.Path));
    }

    [Fact]
    public async Task A_package_that_does_not_match_its_pinned_hash_is_refused_and_nothing_is_left()
    {
        _registry.PublishNpm("@chdb/lib-test", "1.2.3", "package/libtest.so", Library);
        var component = new ModuleComponent("Test", ComponentRegistry.Npm, "@chdb/lib-test", "1.2.3", Convert.ToBase64String(new byte[64]), "package/libtest.so", null);

        var refused = await Assert.ThrowsAsync<ComponentUnavailableException>(() => Installer().InstallAsync(component, _folder, false, null, CancellationToken.None));

        Assert.Contains("does not match its pinned SHA-512", refused.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Without_the_registry_the_error_names_the_file_to_place_by_hand()
    {
        var component = new ModuleComponent("Test", ComponentRegistry.Npm, "@chdb/lib-test", "1.2.3", "x", "package/libtest.so", null);
        // A mirror's address may carry credentials: messages never show them.
        var closed = new Uri($"http://reader:s3cret@127.0.0.1:{_registry.Port}/nowhere/?token=s3cret");
        _registry.Dispose();

        var refused = await Assert.ThrowsAsync<ComponentUnavailableException>(() => Installer(closed).InstallAsync(component, _folder, false, null, CancellationToken.None));

        Assert.Contains("@chdb/lib-test@1.2.3 could not be fetched", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"place package/libtest.so from it at {component.PathUnder(_folder)}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_part_built_for_another_platform_is_not_fetched()
    {
        var component = ModuleComponents.Engine with { Platform = "osx-arm64" };
        var refused = await Assert.ThrowsAsync<ComponentUnavailableException>(() => Installer().InstallAsync(component, _folder, false, null, CancellationToken.None));
        Assert.Contains("published for osx-arm64 only", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, _registry.Requests);
    }

    /// <summary>Progress reported on the reporting thread, so the test sees every report before the call returns.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
