using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using LlmClusters.Tests.Sources;

namespace LlmClusters.Tests.Components;

/// <summary>
/// The npm registry's and NuGet's HTTP APIs on loopback, as the installer reads them: npm's version document (whose
/// dist.tarball names the package) and the tarball; NuGet's service index (PackageBaseAddress) and the flat container's
/// .nupkg. Each serves one package holding the given file.
/// </summary>
public sealed class PackageRegistryEndpoint : LoopbackHttpServer
{
    private readonly Dictionary<string, (string Type, byte[] Body)> _routes = new(StringComparer.Ordinal);

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    private int _requests;

    /// <summary>Requests served so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Publishes an npm package (a gzipped tar) holding one file; returns the tarball's SHA-512.</summary>
    public string PublishNpm(string package, string version, string fileInPackage, byte[] content)
    {
        using var packed = new MemoryStream();
        using (var gzip = new GZipStream(packed, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "package/package.json") { DataStream = new MemoryStream("{}"u8.ToArray()) });
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, fileInPackage) { DataStream = new MemoryStream(content) });
        }
        var tarball = packed.ToArray();
        var escaped = package.Replace("/", "%2f", StringComparison.Ordinal);
        var tarballPath = $"{package}/-/{package.Split('/')[^1]}-{version}.tgz";
        var document = new { name = package, version, dist = new { tarball = Url + tarballPath } };
        _routes["/" + escaped + "/" + version] = ("application/json", JsonSerializer.SerializeToUtf8Bytes(document));
        _routes["/" + tarballPath] = ("application/octet-stream", tarball);
        return Convert.ToBase64String(SHA512.HashData(tarball));
    }

    /// <summary>Publishes a NuGet package (a zip) holding one file; returns the .nupkg's SHA-512.</summary>
    public string PublishNuGet(string id, string version, string fileInPackage, byte[] content)
    {
        using var packed = new MemoryStream();
        using (var zip = new ZipArchive(packed, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry(fileInPackage).Open();
            entry.Write(content);
        }
        var nupkg = packed.ToArray();
        var index = new Dictionary<string, object> { ["version"] = "3.0.0", ["resources"] = new[] { new Dictionary<string, string> { ["@id"] = Url + "flat/", ["@type"] = "PackageBaseAddress/3.0.0" } } };
        _routes["/v3/index.json"] = ("application/json", JsonSerializer.SerializeToUtf8Bytes(index));
        var lower = id.ToLowerInvariant();
        _routes[$"/flat/{lower}/{version}/{lower}.{version}.nupkg"] = ("application/octet-stream", nupkg);
        return Convert.ToBase64String(SHA512.HashData(nupkg));
    }

    protected override void Handle(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        using var response = context.Response;
        if (!_routes.TryGetValue(context.Request.RawUrl ?? "", out var route))
        {
            response.StatusCode = 404;
            return;
        }
        response.ContentType = route.Type;
        response.ContentLength64 = route.Body.Length;
        response.OutputStream.Write(route.Body);
    }
}
