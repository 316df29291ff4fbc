using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace LlmClusters.PostHog;

/// <summary>
/// A PostHog project through its API: the module's queries go to <c>POST /api/projects/{id}/query/</c> as HogQL
/// (<see cref="HogQLTranslator"/>), paged with LIMIT/OFFSET, and jobs come from the clustering-jobs endpoint. Read-only:
/// the module never writes into a user's PostHog project.
/// </summary>
public sealed class PostHogApiSource : IAnalyticsSource, IClusteringJobSource
{
    /// <summary>A Retry-After longer than this is not waited out: the error says how long PostHog asked for.</summary>
    internal static readonly TimeSpan LongestWait = TimeSpan.FromMinutes(2);

    private readonly PostHogApiOptions _options;
    private readonly HttpClient _http;
    private readonly ResiliencePipeline<HttpResponseMessage> _requests;

    public PostHogApiSource(PostHogApiOptions options, HttpMessageHandler? handler = null)
    {
        _options = options;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All, ConnectTimeout = TimeSpan.FromSeconds(15) })
        {
            BaseAddress = new Uri(options.Host.GetLeftPart(UriPartial.Path).TrimEnd('/') + "/"),
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("LlmClusters", typeof(PostHogApiSource).Assembly.GetName().Version?.ToString(3)));
        // Polly rather than a hand-written loop: a bounded number of tries, exponential backoff with jitter, and
        // PostHog's Retry-After honoured when it rate-limits (429). Every request here is a read, so each may be repeated.
        _requests = new ResiliencePipelineBuilder<HttpResponseMessage>()
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(r => IsTransient(r) && (RetryAfter(r) ?? TimeSpan.Zero) <= LongestWait),
                MaxRetryAttempts = Math.Max(0, options.Retries),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryDelay,
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } r ? RetryAfter(r) : null),
            })
            .AddTimeout(options.RequestTimeout > TimeSpan.Zero ? options.RequestTimeout : TimeSpan.FromDays(1))
            .Build();
    }

    public AnalyticsSourceKind Kind => AnalyticsSourceKind.PostHog;

    public bool ChoosesColumns => true;
    public bool ChecksStatements => true;
    public bool ScopedToOneTeam => true;
    public bool WritesRunsElsewhere => true;
    public bool IsReadOnly => true;
    public string Location => _options.Location;

    /// <summary>
    /// HogQL's events table, which PostHog scopes to the project itself, and whose properties it reads from the cheapest
    /// column it has for each.
    /// </summary>
    public EventsTable Table { get; } = EventsTable.Default with { Columns = PropertyColumns.ChosenBySource };
    public EventsTable? DescribedTable { get; set; }

    /// <summary>PostHog also stops a query on its side (60 s on PostHog Cloud); this bounds the whole paged answer.</summary>
    public TimeSpan QueryTimeout => _options.RequestTimeout;

    public SqlQuery AsSent(SqlQuery query)
    {
        var hogql = HogQLTranslator.Translate(query);
        return new SqlQuery(query.Name, hogql.Text, hogql.Values);
    }

    public async IAsyncEnumerable<ResultRow> ReadAsync(SqlQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (query.Writes)
            throw new ReadOnlySourceException(
                $"{Location} is PostHog's query API, which the module only reads: '{query.Name}' would change data. Import or load data into the embedded engine (Connect-LlmAnalytics -Path) or a ClickHouse server instead.");

        var hogql = HogQLTranslator.Translate(query);
        var limit = query.TimeLimit ?? _options.RequestTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (limit > TimeSpan.Zero) deadline.CancelAfter(limit);
        // HogQL answers 100 rows when a query has no LIMIT and never more than 50,000: every query is asked for in
        // pages, and each page's rows are handed on before the next page is asked for.
        for (long offset = 0; ; offset += _options.PageSize)
        {
            var page = await PageAsync(query.Name, HogQLTranslator.Page(hogql, _options.PageSize, offset), limit, deadline, cancellationToken).ConfigureAwait(false);
            foreach (var row in page.Rows) yield return new ResultRow(page.Schema, row);
            if (page.Rows.Count < _options.PageSize) yield break;
        }
    }

    private async Task<QueryResult> PageAsync(string name, HogQLQuery page, TimeSpan limit, CancellationTokenSource deadline, CancellationToken cancellationToken)
    {
        try
        {
            return await RunPageAsync(page, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new AnalyticsQueryException(name, FailureKind.QueryTimeout, $"The query ran past its time limit of {limit.TotalSeconds:0} s and was cancelled in PostHog.");
        }
    }

    public Task InsertJsonRowsAsync(IReadOnlyList<string> jsonRows, CancellationToken cancellationToken, ContentPlacement placement = ContentPlacement.Split) => throw WriteRefused();

    public ReadOnlySourceException WriteRefused() => new(
        $"{Location} is PostHog's query API, which the module only reads. Send events to PostHog with its SDKs, or import them into the embedded engine (Connect-LlmAnalytics -Path) or a ClickHouse server.");

    public async Task<IReadOnlyList<ClusteringJob>> ListJobsAsync(CancellationToken cancellationToken)
    {
        var jobs = new List<ClusteringJob>();
        string? next = $"api/environments/{_options.ProjectId}/llm_analytics/clustering_jobs/?limit=100&offset=0";
        while (next is not null)
        {
            var path = next;
            using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Forbidden && await DetailAsync(response, cancellationToken).ConfigureAwait(false) is var refusal
                && refusal.Contains("does not support personal api key access", StringComparison.OrdinalIgnoreCase))
                // Older PostHog marks the endpoint internal (scope_object INTERNAL): no key's scopes can open it.
                throw new ClusteringJobsUnavailableException(
                    $"PostHog at {_options.Host.Host} does not let personal API keys read clustering jobs ({refusal}); older PostHog versions keep that endpoint for its own web app. " +
                    "No scope changes that. Jobs are listed from the runs they wrote instead, without their filters, state or dates.");
            if (!response.IsSuccessStatusCode)
                throw await ErrorAsync(response, "the clustering jobs", "read the clustering jobs", "llm_analytics:read", cancellationToken).ConfigureAwait(false);
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
            var root = document.RootElement;
            if (root.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array)
                jobs.AddRange(results.EnumerateArray().Select(ToJob));
            next = root.TryGetProperty("next", out var link) && link.ValueKind == JsonValueKind.String ? NextPage(link.GetString()!) : null;
        }
        return jobs;
    }

    /// <summary>
    /// The next page of a paginated answer, on the connection's own host: only its limit and offset are taken from
    /// PostHog's "next" link, so the key is never sent to an address the link might name.
    /// </summary>
    private string? NextPage(string link)
    {
        if (!Uri.TryCreate(_http.BaseAddress!, link, out var uri)) return null;
        var query = uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2 && p[0] is "limit" or "offset")
            .ToDictionary(p => p[0], p => p[1]);
        if (!query.TryGetValue("offset", out var offset) || !long.TryParse(offset, NumberStyles.None, CultureInfo.InvariantCulture, out var start)) return null;
        var limit = query.TryGetValue("limit", out var l) && int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 100;
        return $"api/environments/{_options.ProjectId}/llm_analytics/clustering_jobs/?limit={limit}&offset={start}";
    }

    private static ClusteringJob ToJob(JsonElement job) => new()
    {
        Id = Text(job, "id") ?? string.Empty,
        Name = Text(job, "name") ?? string.Empty,
        Level = ClusterLevels.TryFromPostHog(Text(job, "analysis_level")),
        Enabled = job.TryGetProperty("enabled", out var enabled) && enabled.ValueKind is JsonValueKind.True or JsonValueKind.False ? enabled.GetBoolean() : null,
        EventFilters = job.TryGetProperty("event_filters", out var filters) && filters.ValueKind != JsonValueKind.Null ? filters.GetRawText() : null,
        CreatedAt = Time(job, "created_at"),
        UpdatedAt = Time(job, "updated_at"),
    };

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value.ToString() : null;

    private static DateTime? Time(JsonElement element, string name) =>
        Text(element, name) is { } text && UtcTime.TryParse(text, out var time) ? time : null;

    private async Task<QueryResult> RunPageAsync(HogQLQuery query, CancellationToken cancellationToken)
    {
        var clientQueryId = Guid.NewGuid().ToString("N");
        var body = Body(query, clientQueryId);
        HttpResponseMessage sent;
        try
        {
            sent = await SendAsync(() => new HttpRequestMessage(HttpMethod.Post, $"api/projects/{_options.ProjectId}/query/")
            {
                Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" } } },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CancelOnServerAsync(clientQueryId).ConfigureAwait(false);
            throw;
        }
        using var response = sent;
        if (!response.IsSuccessStatusCode)
            throw await ErrorAsync(response, query.Name, "run queries", "query:read", cancellationToken).ConfigureAwait(false);

        using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), default, cancellationToken).ConfigureAwait(false);
        var root = document.RootElement;
        if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String && error.GetString() is { Length: > 0 } message)
            throw new AnalyticsQueryException(query.Name, FailureKind.QueryFailed, Scrub(message));
        var names = root.TryGetProperty("columns", out var c) && c.ValueKind == JsonValueKind.Array ? c.EnumerateArray().Select(n => n.ToString()).ToList() : [];
        var types = root.TryGetProperty("types", out var t) && t.ValueKind == JsonValueKind.Array
            ? t.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Array ? x[x.GetArrayLength() - 1].ToString() : x.ToString()).ToList()
            : [];
        var columns = names.Select((n, i) => new QueryColumn(n, i < types.Count ? types[i] : "String")).ToList();
        if (!root.TryGetProperty("results", out var results) || results.ValueKind != JsonValueKind.Array) return new QueryResult(columns, []);
        return ClickHouseValueReader.ReadRows(columns, Encoding.UTF8.GetBytes(results.GetRawText()));
    }

    /// <summary>
    /// Ctrl+C stops the wait here and, through PostHog's query cancellation (DELETE of the client query id), the query
    /// in PostHog's ClickHouse too. Best effort: a failure to cancel never hides the cancellation itself.
    /// </summary>
    private async Task CancelOnServerAsync(string clientQueryId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            using var request = new HttpRequestMessage(HttpMethod.Delete, $"api/projects/{_options.ProjectId}/query/{clientQueryId}/");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
            using var _ = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
        }
    }

    private static byte[] Body(HogQLQuery query, string clientQueryId)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("client_query_id", clientQueryId);
            json.WriteStartObject("query");
            json.WriteString("kind", "HogQLQuery");
            json.WriteString("query", query.Text);
            json.WriteStartObject("values");
            foreach (var (name, value) in query.Values)
            {
                json.WritePropertyName(name);
                JsonSerializer.Serialize(json, value);
            }
            json.WriteEndObject();
            // Times are compared in UTC, as PostHog's clusters page asks: otherwise HogQL reads them in the project's zone.
            json.WriteStartObject("modifiers");
            json.WriteBoolean("convertToProjectTimezone", false);
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        try
        {
            return await _requests.ExecuteAsync(async token =>
            {
                using var request = create();
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _options.ApiKey);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
                return await _http.SendAsync(request, HttpCompletionOption.ResponseContentRead, token).ConfigureAwait(false);
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            throw new SourceUnreachableException(
                $"PostHog at {_options.Host.Host} cannot be reached ({Scrub(e.Message)}). Check -PostHogHost (https://us.posthog.com, https://eu.posthog.com or your own PostHog's address) and the network between here and it.",
                false, e);
        }
    }

    private async Task<Exception> ErrorAsync(HttpResponseMessage response, string what, string action, string scope, CancellationToken cancellationToken)
    {
        var detail = await DetailAsync(response, cancellationToken).ConfigureAwait(false);
        var host = _options.Host.Host;
        return (int)response.StatusCode switch
        {
            401 => new SourceUnreachableException(
                $"PostHog at {host} did not accept the API key ({detail}). Pass a personal API key with -ApiKey or in POSTHOG_PERSONAL_API_KEY; it needs the scopes query:read and llm_analytics:read.", true),
            403 => new SourceUnreachableException(
                $"The API key may not {action} in project {_options.ProjectId} at {host} ({detail}). Give the key the {scope} scope, and access to project {_options.ProjectId}, in PostHog's personal API key settings.", true),
            404 => new ProjectNotFoundException(
                $"PostHog at {host} has no project {_options.ProjectId} that this key can read ({detail}). Check -ProjectId (the number in the project's address) and -PostHogHost (us, eu or your own PostHog)."),
            429 => new SourceUnreachableException(
                $"PostHog at {host} is rate-limiting this key (429) and still was after {_options.Retries + 1} tries" +
                (RetryAfter(response) is { } wait ? $"; it asks to wait {wait.TotalSeconds:0} s" : "") + ". Wait and run again, or query less often.", false),
            >= 500 => new SourceUnreachableException(
                $"PostHog at {host} failed ({(int)response.StatusCode}) and still did after {_options.Retries + 1} tries: {detail}", false),
            _ => new AnalyticsQueryException(what, FailureKind.QueryFailed, detail),
        };
    }

    /// <summary>PostHog's error text: the "detail" of its JSON error body, or the start of whatever else came back.</summary>
    private async Task<string> DetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("detail", out var detail))
                return Scrub(detail.ToString());
        }
        catch (JsonException)
        {
        }
        text = text.Trim();
        return Scrub(text.Length == 0 ? response.ReasonPhrase ?? response.StatusCode.ToString() : text.Length > 300 ? text[..300] + "..." : text);
    }

    // Whatever PostHog echoes back, the key never leaves this class.
    private string Scrub(string text) => text.Replace(_options.ApiKey, "***", StringComparison.Ordinal);

    private static bool IsTransient(HttpResponseMessage response) => (int)response.StatusCode is 429 or >= 500;

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    public void Dispose() => _http.Dispose();
}
