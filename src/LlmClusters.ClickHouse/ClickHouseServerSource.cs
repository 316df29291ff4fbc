using System.Collections;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using ClickHouse.Driver;
using ClickHouse.Driver.ADO;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LlmClusters.ClickHouse;

/// <summary>A ClickHouse server, through ClickHouse.Driver over HTTP. Reads that fail on the network are retried with backoff.</summary>
public sealed class ClickHouseServerSource : IAnalyticsSource
{
    private const int AuthenticationFailed = 516;
    private readonly ClickHouseServerOptions _options;
    private readonly HttpClient _http;
    private readonly ClickHouseClientSettings _settings;
    private readonly ResiliencePipeline _reads;

    public ClickHouseServerSource(ClickHouseServerOptions options)
    {
        _options = options;
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout, AutomaticDecompression = DecompressionMethods.All })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _settings = new ClickHouseClientSettings
        {
            Host = options.Host,
            Port = options.Port,
            Protocol = options.UseTls ? "https" : "http",
            Database = options.Database,
            Username = options.User,
            Password = options.Password ?? string.Empty,
            // Each statement's own limit is enforced by the server (max_execution_time) and, a little later, by the
            // cancellation in QueryAsync; the driver's own timeout only bounds what neither covers.
            Timeout = TimeSpan.FromDays(1),
            HttpClient = _http,
            ParameterFormatter = new BoundValueFormatter(),
        };
        // Ctrl+C cancels the request; with this setting the server then stops the query too, not only the reply.
        _settings.CustomSettings["cancel_http_readonly_queries_on_client_close"] = 1;
        // Polly rather than a hand-written loop: bounded attempts, exponential backoff with jitter, only for network faults.
        _reads = new ResiliencePipelineBuilder()
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
    public TimeSpan QueryTimeout => _options.QueryTimeout;

    /// <summary>How much longer than a statement's limit the client waits for the server to end it and say so.</summary>
    private static readonly TimeSpan ServerGrace = TimeSpan.FromSeconds(10);

    public async Task<QueryResult> QueryAsync(SqlQuery query, CancellationToken cancellationToken)
    {
        var isRead = query.Text.TrimStart().StartsWith("SELECT", StringComparison.OrdinalIgnoreCase)
                     || query.Text.TrimStart().StartsWith("WITH", StringComparison.OrdinalIgnoreCase);
        var limit = query.TimeLimit ?? _options.QueryTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit > TimeSpan.Zero) deadline.CancelAfter(limit + ServerGrace);
        try
        {
            return isRead
                ? await _reads.ExecuteAsync(async token => await RunAsync(query, limit, null, token).ConfigureAwait(false), deadline.Token).ConfigureAwait(false)
                : await RunAsync(query, limit, null, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AnalyticsQueryException(query.Name, 159, "TIMEOUT_EXCEEDED",
                $"The statement ran past its time limit of {limit.TotalSeconds:0} s and the server did not end it.");
        }
        catch (Exception e) when (Translate(query, e) is { } translated)
        {
            throw translated;
        }
    }

    public async Task InsertJsonRowsAsync(IReadOnlyList<string> jsonRows, CancellationToken cancellationToken)
    {
        if (jsonRows.Count == 0) return;
        var insert = ((IAnalyticsSource)this).InsertStatement(jsonRows);
        try
        {
            await RunAsync(insert, insert.TimeLimit ?? _options.QueryTimeout, string.Join('\n', jsonRows), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(insert, e) is { } translated)
        {
            throw translated;
        }
    }

    private async Task<QueryResult> RunAsync(SqlQuery query, TimeSpan limit, string? data, CancellationToken cancellationToken)
    {
        using var connection = new ClickHouseConnection(_settings);
        using var command = connection.CreateCommand(data is null ? query.Text : query.Text + "\n" + data);
        // The server ends a statement that runs past its limit with TIMEOUT_EXCEEDED (zero: no limit).
        command.CustomSettings["max_execution_time"] = (long)limit.TotalSeconds;
        foreach (var (name, value) in query.Parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        if (data is not null)
        {
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return new QueryResult([], []);
        }
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(i => new QueryColumn(reader.GetName(i), reader.GetDataTypeName(i))).ToArray();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new object?[columns.Length];
            for (var i = 0; i < columns.Length; i++) row[i] = Normalize(reader.GetValue(i));
            rows.Add(row);
        }
        return new QueryResult(columns, rows);
    }

    /// <summary>The driver's values, as the embedded source gives them: null for NULL, int/long/ulong, UTC times, object arrays.</summary>
    internal static object? Normalize(object? value) => value switch
    {
        null or DBNull => null,
        sbyte or short or byte or ushort => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture),
        uint u => (long)u,
        float f => (double)f,
        DateTime d => d.Kind == DateTimeKind.Utc ? d : DateTime.SpecifyKind(d.Kind == DateTimeKind.Local ? d.ToUniversalTime() : d, DateTimeKind.Utc),
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
        ClickHouseServerException server => AnalyticsQueryException.FromClickHouseText(query.Name, server.Message) is { Code: > 0 } parsed
            ? parsed
            : new AnalyticsQueryException(query.Name, server.ErrorCode, string.Empty, server.Message),
        HttpRequestException or SocketException or TimeoutRejectedException => new SourceUnreachableException(
            $"The ClickHouse server at {_options.Host}:{_options.Port} cannot be reached as user '{_options.User}' ({e.Message}). " +
            "Check -Server, -Port and -UseTls, and that the server accepts HTTP connections from here.", false, e),
        _ => null,
    };

    public void Dispose() => _http.Dispose();
}
