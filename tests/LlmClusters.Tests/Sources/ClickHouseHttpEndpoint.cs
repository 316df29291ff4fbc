using System.IO.Compression;
using System.Net;
using System.Text;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Sources;

/// <summary>
/// A stand-in for ClickHouse's HTTP interface on loopback, answering from the embedded engine, so that the real
/// ClickHouse.Driver parses real ClickHouse output: the SQL from the body (gzip or not) after any `query` URL
/// parameter, param_* values bound as the server binds them, the requested default_format, and errors as HTTP 500 with
/// ClickHouse's "Code: N. DB::Exception: ..." text and the X-ClickHouse-Exception-Code header.
/// </summary>
public sealed class ClickHouseHttpEndpoint : LoopbackHttpServer
{
    private readonly string _dataPath;
    private readonly string? _password;
    private int _failuresToInject;

    public ClickHouseHttpEndpoint(string dataPath, string? password = null)
    {
        _dataPath = dataPath;
        _password = password;
    }

    public int Requests => _requests;
    private int _requests;

    /// <summary>The next n requests fail with 503, as an overloaded server or proxy would.</summary>
    public void FailNext(int n) => Interlocked.Exchange(ref _failuresToInject, n);



    protected override void Handle(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        var response = context.Response;
        try
        {
            if (Interlocked.Decrement(ref _failuresToInject) >= 0)
            {
                Reply(response, 503, "Service temporarily unavailable", null);
                return;
            }
            var request = context.Request;
            if (_password is not null && Password(request) != _password)
            {
                Reply(response, 401, $"Code: 516. DB::Exception: {User(request)}: Authentication failed: password is incorrect, or there is no user with such name. (AUTHENTICATION_FAILED) (version 26.5.3.1)", 516);
                return;
            }
            using var body = request.Headers["Content-Encoding"] == "gzip" ? new GZipStream(request.InputStream, CompressionMode.Decompress) : request.InputStream;
            using var reader = new StreamReader(body, Encoding.UTF8);
            var sql = (request.QueryString["query"] ?? "") + reader.ReadToEnd();
            var parameters = request.QueryString.AllKeys.Where(k => k is not null && k.StartsWith("param_", StringComparison.Ordinal))
                .Select(k => new KeyValuePair<string, string>(k!["param_".Length..], request.QueryString[k]!)).ToList();
            var format = request.QueryString["default_format"] ?? "TabSeparated";
            // As a server does, the statement ends once it runs past the limit the client set for it.
            var limit = long.TryParse(request.QueryString["max_execution_time"], out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
            var output = EmbeddedEngine.RunRaw(_dataPath, sql, format, parameters, limit);
            response.StatusCode = 200;
            response.Headers["X-ClickHouse-Format"] = format;
            response.Headers["X-ClickHouse-Timezone"] = "UTC";
            response.Headers["X-ClickHouse-Query-Id"] = request.QueryString["query_id"] ?? Guid.NewGuid().ToString();
            response.ContentLength64 = output.Length;
            response.OutputStream.Write(output);
            response.Close();
        }
        catch (AnalyticsQueryException e)
        {
            Reply(response, 500, $"Code: {e.Code}. DB::Exception: {e.Message} ({e.ErrorName}) (version 26.5.3.1)", e.Code);
        }
        catch (Exception e)
        {
            Reply(response, 500, "Code: 1001. DB::Exception: " + e.Message, 1001);
        }
    }

    private static string? User(HttpListenerRequest request) => request.Headers["X-ClickHouse-User"] ?? BasicPart(request, 0) ?? request.QueryString["user"];

    private static string? Password(HttpListenerRequest request) => request.Headers["X-ClickHouse-Key"] ?? BasicPart(request, 1) ?? request.QueryString["password"];

    private static string? BasicPart(HttpListenerRequest request, int index)
    {
        var header = request.Headers["Authorization"];
        if (header is null || !header.StartsWith("Basic ", StringComparison.Ordinal)) return null;
        var parts = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
        return parts.Length > index ? parts[index] : null;
    }

    private static void Reply(HttpListenerResponse response, int status, string text, int? code)
    {
        try
        {
            response.StatusCode = status;
            if (code is not null) response.Headers["X-ClickHouse-Exception-Code"] = code.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var bytes = Encoding.UTF8.GetBytes(text + "\n");
            response.ContentLength64 = bytes.Length;
            response.OutputStream.Write(bytes);
            response.Close();
        }
        catch (HttpListenerException)
        {
        }
    }
}
