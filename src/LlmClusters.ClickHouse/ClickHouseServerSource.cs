using System.Collections;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using ClickHouse.Driver.ADO.Parameters;
using ClickHouse.Driver.ADO.Readers;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LlmClusters.ClickHouse;

/// <summary>
/// A ClickHouse server, through ClickHouse.Driver over HTTP: one client for the connection's life, rows read as the
/// server sends them, inserts streamed as JSONEachRow. Opening a read that fails on the network is retried with backoff.
/// </summary>
public sealed class ClickHouseServerSource : IAnalyticsSource
{
    private const int AuthenticationFailed = 516;
    private readonly ClickHouseServerOptions _options;
    private readonly HttpClient _http;
    private readonly ClickHouseClient _client;
    private readonly ResiliencePipeline _opens;

    public ClickHouseServerSource(ClickHouseServerOptions options)
    {
        _options = options;
        // No AutomaticDecompression: the driver asks for compressed replies and unpacks them itself.
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout }) { Timeout = Timeout.InfiniteTimeSpan };
        var settings = new ClickHouseClientSettings
        {
            Host = options.Host,
            Port = options.Port,
            Protocol = options.UseTls ? "https" : "http",
            Database = options.Database,
            Username = options.User,
            Password = options.Password ?? string.Empty,
            // Each statement's own limit is enforced by the server (max_execution_time) and, a little later, by the
            // cancellation in ReadAsync; the driver's own timeout only bounds what neither covers.
            Timeout = TimeSpan.FromDays(1),
            HttpClient = _http,
            ParameterFormatter = new BoundValueFormatter(),
        };
        // Ctrl+C cancels the request; with this setting the server then stops the query too, not only the reply.
        settings.CustomSettings["cancel_http_readonly_queries_on_client_close"] = 1;
        _client = new ClickHouseClient(settings);
        // Polly rather than a hand-written loop: bounded attempts, exponential backoff with jitter, only for network faults.
        _opens = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<HttpRequestException>().Handle<TimeoutRejectedException>()
                    // A reply without a ClickHouse error code came from something in between (a proxy's 502/503): worth another try.
                    .Handle<ClickHouseServerException>(e => e.IsTransient || !e.Message.TrimStart().StartsWith("Code:", StringComparison.Ordinal)),
                MaxRetryAttempts = Math.Max(1, options.Retries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
            })
            .Build();
    }

    public AnalyticsSourceKind Kind => AnalyticsSourceKind.ClickHouse;
    public string Location => _options.Location;
    public EventsTable Table => _options.Table;
    public EventsTable? DescribedTable { get; set; }
    public TimeSpan QueryTimeout => _options.QueryTimeout;

    /// <summary>How much longer than a statement's limit the client waits for the server to end it and say so.</summary>
    private static readonly TimeSpan ServerGrace = TimeSpan.FromSeconds(10);

    public async IAsyncEnumerable<ResultRow> ReadAsync(SqlQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var limit = query.TimeLimit ?? _options.QueryTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit > TimeSpan.Zero) deadline.CancelAfter(limit + ServerGrace);
        // Only opening a read is retried: once rows have been handed on, another try would hand them on again.
        using var reader = await Guarded(query, limit, deadline, () => query.Writes
            ? OpenAsync(query, limit, deadline.Token)
            : _opens.ExecuteAsync(async token => await OpenAsync(query, limit, token).ConfigureAwait(false), deadline.Token).AsTask(), cancellationToken).ConfigureAwait(false);
        var columns = new ColumnSet(Enumerable.Range(0, reader.FieldCount).Select(i => new QueryColumn(reader.GetName(i), reader.GetDataTypeName(i))).ToArray());
        while (await Guarded(query, limit, deadline, () => reader.ReadAsync(deadline.Token), cancellationToken).ConfigureAwait(false))
        {
            var row = new object?[columns.Columns.Count];
            for (var i = 0; i < row.Length; i++) row[i] = Normalize(reader.GetValue(i));
            yield return new ResultRow(columns, row);
        }
    }

    /// <summary>A server is written as PostHog wrote before the split: whole to events (its own ai_events, if any, is PostHog's to fill).</summary>
    public async Task InsertJsonRowsAsync(IReadOnlyList<string> jsonRows, CancellationToken cancellationToken, ContentPlacement placement = ContentPlacement.Split)
    {
        if (jsonRows.Count == 0) return;
        var insert = ((IAnalyticsSource)this).InsertStatement(jsonRows);
        var limit = insert.TimeLimit ?? _options.QueryTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit > TimeSpan.Zero) deadline.CancelAfter(limit + ServerGrace);
        await Guarded(insert, limit, deadline, async () =>
        {
            // The rows go as the request's body, streamed and compressed by the driver, never pasted into SQL text.
            await using var body = new MemoryStream(Encoding.UTF8.GetBytes(string.Join('\n', jsonRows)));
            using var response = await _client.InsertRawStreamAsync(Table.Quoted, body, "JSONEachRow", EventQueries.Columns, useCompression: true,
                Options(limit), deadline.Token).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private Task<ClickHouseDataReader> OpenAsync(SqlQuery query, TimeSpan limit, CancellationToken cancellationToken)
    {
        var parameters = new ClickHouseParameterCollection();
        foreach (var (name, value) in query.Parameters)
            parameters.Add(new ClickHouseDbParameter { ParameterName = name, Value = value ?? DBNull.Value });
        return _client.ExecuteReaderAsync(query.Text, parameters, Options(limit), cancellationToken);
    }

    // The server ends a statement that runs past its limit with TIMEOUT_EXCEEDED (zero: no limit).
    private static QueryOptions Options(TimeSpan limit) =>
        new() { CustomSettings = new Dictionary<string, object> { ["max_execution_time"] = (long)limit.TotalSeconds } };

    /// <summary>Runs one step of a statement, turning the driver's failures into the module's.</summary>
    private async Task<T> Guarded<T>(SqlQuery query, TimeSpan limit, CancellationTokenSource deadline, Func<Task<T>> step, CancellationToken cancellationToken)
    {
        try
        {
            return await step().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AnalyticsQueryException(query.Name, FailureKind.QueryTimeout,
                $"The statement ran past its time limit of {limit.TotalSeconds:0} s and the server did not end it.", 159, "TIMEOUT_EXCEEDED");
        }
        catch (Exception e) when (Translate(query, e) is { } translated)
        {
            throw translated;
        }
    }

    /// <summary>The driver's values, as the embedded source gives them: null for NULL, int/long/ulong, UTC times, object arrays.</summary>
    internal static object? Normalize(object? value) => value switch
    {
        null or DBNull => null,
        sbyte or short or byte or ushort => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture),
        uint u => (long)u,
        float f => (double)f,
        DateTime d => UtcTime.From(d),
        DateTimeOffset o => o.UtcDateTime,
        string => value,
        ITuple tuple => Enumerable.Range(0, tuple.Length).Select(i => Normalize(tuple[i])).ToArray(),
        IDictionary map => System.Text.Json.JsonSerializer.Serialize(map),
        IEnumerable items => items.Cast<object?>().Select(Normalize).ToArray(),
        _ => value,
    };

    private Exception? Translate(SqlQuery query, Exception e) => e switch
    {
        ClickHouseServerException { ErrorCode: AuthenticationFailed } => new SourceUnreachableException(
            $"The ClickHouse server at {_options.Host}:{_options.Port} refused the login of user '{_options.User}'. Check -Credential (user and password).", true, e),
        // The server's code comes in X-ClickHouse-Exception-Code (the driver's ErrorCode), its text in the body.
        ClickHouseServerException server => AnalyticsQueryException.FromClickHouseText(query.Name, server.Message, server.ErrorCode),
        HttpRequestException or SocketException or TimeoutRejectedException => new SourceUnreachableException(
            $"The ClickHouse server at {_options.Host}:{_options.Port} cannot be reached as user '{_options.User}' ({e.Message}). " +
            "Check -Server, -Port and -UseTls, and that the server accepts HTTP connections from here.", false, e),
        _ => null,
    };

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
    }
}
