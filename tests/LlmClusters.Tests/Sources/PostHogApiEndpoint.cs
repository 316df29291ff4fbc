using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Sources;

/// <summary>
/// A stand-in for PostHog's API on loopback, answering from the embedded engine as PostHog answers from its ClickHouse:
/// <c>POST /api/projects/{id}/query/</c> takes a HogQLQuery, checks the personal API key and its scope, refuses what
/// PostHog's own parser and function table refuse (<see cref="HogQLChecker"/>), prints HogQL's own names as
/// the ClickHouse functions PostHog prints them as, binds <c>{name}</c> placeholders from "values", scopes the events
/// to the project, returns 100 rows when there is no LIMIT and never more than 50,000, and answers in PostHog's shape
/// (results, columns, types, hasMore, limit, offset). <c>GET /api/environments/{id}/llm_analytics/clustering_jobs/</c>
/// pages the jobs seen on run events; <c>DELETE /api/projects/{id}/query/{client_query_id}/</c> cancels. Errors, 429s with
/// Retry-After, 5xx replies and slow queries can be injected.
/// </summary>
public sealed partial class PostHogApiEndpoint : LoopbackHttpServer
{
    public const string QueryScope = "query:read";
    public const string LlmAnalyticsScope = "llm_analytics:read";

    private readonly string _dataPath;
    private readonly EventsTable _table;
    private readonly long _projectId;
    private readonly IReadOnlyDictionary<string, string[]> _keys;
    private readonly ConcurrentQueue<(int Status, int? RetryAfter)> _injected = new();

    /// <param name="dataPath">The embedded engine's folder the answers come from.</param>
    /// <param name="table">The events table there.</param>
    /// <param name="projectId">The one project this PostHog serves.</param>
    /// <param name="keys">The personal API keys this PostHog accepts, each with its scopes.</param>
    /// <param name="jobsPageSize">Jobs per page of the jobs endpoint, small so that paging is exercised.</param>
    /// <param name="jobsInternal">
    /// As PostHog before its jobs endpoint took the llm_analytics scopes (scope_object INTERNAL): it refuses every
    /// personal API key, whatever its scopes, with APIScopePermission's message.
    /// </param>
    public PostHogApiEndpoint(string dataPath, EventsTable table, long projectId, IReadOnlyDictionary<string, string[]> keys, int jobsPageSize = 2, bool jobsInternal = false)
    {
        _dataPath = dataPath;
        _table = table;
        _projectId = projectId;
        _keys = keys;
        JobsPageSize = jobsPageSize;
        _jobsInternal = jobsInternal;
    }

    private readonly bool _jobsInternal;

    public Uri Host => new($"http://127.0.0.1:{Port}");
    public int JobsPageSize { get; }

    /// <summary>Every request as it arrived: method, path and query, Authorization header, body.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public sealed record RecordedRequest(string Method, string PathAndQuery, string? Authorization, string? ContentType, string Body);

    private long _delayTicks;

    /// <summary>Queries wait this long before they are answered (until set back to zero), so that a client can cancel one.</summary>
    public void DelayQueries(TimeSpan delay) => Interlocked.Exchange(ref _delayTicks, delay.Ticks);

    /// <summary>The next requests answer with these statuses (429 with a Retry-After in seconds, when given) before any is served.</summary>
    public void Inject(int status, int count = 1, int? retryAfterSeconds = null)
    {
        for (var i = 0; i < count; i++) _injected.Enqueue((status, retryAfterSeconds));
    }



    protected override void Handle(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            var body = reader.ReadToEnd();
            Requests.Enqueue(new RecordedRequest(request.HttpMethod, request.Url!.PathAndQuery, request.Headers["Authorization"], request.ContentType, body));
            if (_injected.TryDequeue(out var injected))
            {
                if (injected.RetryAfter is { } wait) response.Headers["Retry-After"] = wait.ToString(CultureInfo.InvariantCulture);
                Error(response, injected.Status, injected.Status == 429 ? "throttled_error" : "server_error", injected.Status == 429 ? "throttled" : "error",
                    injected.Status == 429 ? "Request was throttled." : "A server error occurred.");
                return;
            }
            var path = request.Url.AbsolutePath;
            if (request.HttpMethod == "POST" && QueryPath().Match(path) is { Success: true } query)
                Serve(response, query.Groups[1].Value, QueryScope, () =>
                {
                    Thread.Sleep(TimeSpan.FromTicks(Interlocked.Read(ref _delayTicks)));
                    return Query(body);
                });
            else if (request.HttpMethod == "DELETE" && CancelPath().Match(path) is { Success: true } cancel)
                Serve(response, cancel.Groups[1].Value, QueryScope, () => new JsonObject { ["cancelled"] = cancel.Groups[2].Value });
            else if (request.HttpMethod == "GET" && JobsPath().Match(path) is { Success: true } && _jobsInternal)
                Error(response, 403, "authentication_error", "permission_denied", "This action does not support Personal API Key access");
            else if (request.HttpMethod == "GET" && JobsPath().Match(path) is { Success: true } jobs)
                Serve(response, jobs.Groups[1].Value, LlmAnalyticsScope, () => Jobs(request));
            else
                Error(response, 404, "invalid_request", "not_found", "Not found.");

            void Serve(HttpListenerResponse reply, string project, string scope, Func<JsonObject> answer)
            {
                var header = request.Headers["Authorization"];
                if (header is null || !header.StartsWith("Bearer ", StringComparison.Ordinal) || !_keys.TryGetValue(header[7..], out var scopes))
                {
                    Error(reply, 401, "authentication_error", "authentication_failed", "Incorrect authentication credentials.");
                    return;
                }
                if (!scopes.Contains(scope))
                {
                    Error(reply, 403, "authentication_error", "permission_denied", $"API key missing required scope '{scope}'");
                    return;
                }
                if (project != _projectId.ToString(CultureInfo.InvariantCulture))
                {
                    Error(reply, 404, "invalid_request", "not_found", "Not found.");
                    return;
                }
                Json(reply, 200, answer());
            }
        }
        catch (HogQLException e)
        {
            // posthog/api/query.py turns a HogQL error into DRF's ValidationError, which drf-exceptions-hog words so.
            Error(response, 400, "validation_error", "invalid", e.Message);
        }
        catch (AnalyticsQueryException e)
        {
            Error(response, 400, "validation_error", "invalid", e.Message);
        }
        catch (Exception e)
        {
            Error(response, 500, "server_error", "error", e.Message);
        }
    }

    private sealed class HogQLException(string message) : Exception(message);

    private static readonly string[] NumericProperties =
        ["$ai_latency", "$ai_total_cost_usd", "$ai_input_cost_usd", "$ai_output_cost_usd", "$ai_input_tokens", "$ai_output_tokens", "$ai_http_status"];

    private JsonObject Query(string body)
    {
        var request = JsonNode.Parse(body)?["query"] ?? throw new HogQLException("The body has no query.");
        if ((string?)request["kind"] != "HogQLQuery") throw new HogQLException($"Unknown query kind '{request["kind"]}'.");
        var hogql = (string?)request["query"] ?? throw new HogQLException("The query has no HogQL text.");
        var values = request["values"] as JsonObject ?? [];

        // Refused as PostHog refuses it: its own parser, then its function table (tests/hogql).
        if (HogQLChecker.Refusal(hogql) is { } refusal) throw new HogQLException(refusal);

        // PostHog prints a property as the cheapest column its table has for it (posthog/hogql/printer.py): the
        // materialized trace id, the properties_group_ai map for a small $ai_* property, else the JSON text read raw
        // and unquoted. The map and the column are MATERIALIZED, so the table stand-in names them.
        // It then types the value by the property's definition (posthog/hogql/transforms/property_types.py,
        // _field_type_to_property_call): a Numeric property becomes a Float and a Boolean one a Bool; PostHog's
        // ingestion defines the $ai_ figures as Numeric and $ai_is_error as Boolean.
        var sql = PropertyAccess().Replace(hogql, m =>
        {
            var key = m.Groups[1].Value;
            var value = key switch
            {
                "$ai_trace_id" => "`mat_$ai_trace_id`",
                _ when key.StartsWith("$ai_", StringComparison.Ordinal) && !EventProperties.LeftOutOfGroup.Contains(key) =>
                    $"if(has(properties_group_ai, '{key}'), properties_group_ai['{key}'], NULL)",
                _ => $"replaceRegexpAll(nullIf(nullIf(JSONExtractRaw(properties, '{key}'), ''), 'null'), '^\"|\"$', '')",
            };
            return key switch
            {
                _ when NumericProperties.Contains(key) => $"accurateCastOrNull({value}, 'Float64')",
                "$ai_is_error" => $"toBool(transform(toString({value}), ['true', 'false'], [1, 0], NULL))",
                _ => value,
            };
        });
        // PostHog prints HogQL's names as these ClickHouse functions.
        sql = SqlCalls.Rewrite(sql, "toInt", a => $"accurateCastOrNull({a[0]}, 'Int64')");
        sql = SqlCalls.Rewrite(sql, "toFloat", a => $"accurateCastOrNull({a[0]}, 'Float64')");
        sql = SqlCalls.Rewrite(sql, "toDateTime", a => $"parseDateTime64BestEffortOrNull({a[0]}, 6, 'UTC')");
        sql = SqlCalls.Rewrite(sql, "parseDateTimeBestEffort", a => $"parseDateTime64BestEffortOrNull({a[0]}, 6, 'UTC')");
        sql = EventsTableReference().Replace(sql, $"FROM (SELECT *, `mat_$ai_trace_id`, properties_group_ai FROM {_table.Quoted} WHERE team_id = {_projectId}) AS events");
        // HogQL's ai_events is the table beside the events (an older store has none: ClickHouse's Unknown table then, as PostHog's own).
        sql = AiEventsTableReference().Replace(sql, $"FROM (SELECT * FROM {_table.AiEvents.Quoted} WHERE team_id = {_projectId}) AS ai_events");

        var parameters = new List<KeyValuePair<string, string>>();
        sql = Placeholder().Replace(sql, m =>
        {
            var name = m.Groups[1].Value;
            if (!values.TryGetPropertyValue(name, out var value)) throw new HogQLException($"Placeholder {{{name}}} is not available in this context.");
            var (type, text) = value switch
            {
                null => ("Nullable(String)", "\\N"),
                JsonValue v when v.GetValueKind() == JsonValueKind.String => ("String", QueryParameterFormatter.Format(v.GetValue<string>())),
                JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => ("Bool", v.GetValue<bool>() ? "true" : "false"),
                JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var l) => ("Int64", l.ToString(CultureInfo.InvariantCulture)),
                JsonValue v when v.GetValueKind() == JsonValueKind.Number => ("Float64", v.GetValue<double>().ToString("R", CultureInfo.InvariantCulture)),
                _ => throw new HogQLException($"Placeholder {{{name}}} holds a value HogQL does not take here."),
            };
            parameters.Add(new(name, text));
            return "{" + name + ":" + type + "}";
        });

        // HogQL answers 100 rows when the query has no LIMIT, and never more than 50,000.
        long limit = 100, offset = 0;
        if (TrailingLimit().Match(sql) is { Success: true } paging)
        {
            limit = Math.Min(Resolve(paging.Groups["limit"].Value), HogQLTranslator.MaxPageSize);
            offset = paging.Groups["offset"].Success ? Resolve(paging.Groups["offset"].Value) : 0;
            sql = sql[..paging.Index] + $" LIMIT {limit} OFFSET {offset}";
        }
        else sql += "\nLIMIT 100";

        // Without the newest ClickHouse's Variant supertypes (a Bool and a String have none), so that a query that
        // relies on them fails here, as it would on a PostHog whose ClickHouse does not make them.
        sql += "\nSETTINGS use_variant_as_common_type = 0";
        var output = EmbeddedEngine.RunRaw(_dataPath, sql, ClickHouseValueReader.Format, parameters);
        var lines = Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var names = lines.Length > 0 ? JsonNode.Parse(lines[0])!.AsArray().Select(n => (string)n!).ToList() : [];
        var types = lines.Length > 1 ? JsonNode.Parse(lines[1])!.AsArray().Select(n => (string)n!).ToList() : [];
        var results = new JsonArray();
        foreach (var line in lines.Skip(2))
        {
            var row = JsonNode.Parse(line)!.AsArray();
            results.Add(new JsonArray(row.Select((v, i) => AsPostHogSends(v?.DeepClone(), types[i])).ToArray()));
        }
        return new JsonObject
        {
            ["results"] = results,
            ["columns"] = new JsonArray(names.Select(n => (JsonNode?)n).ToArray()),
            ["types"] = new JsonArray(names.Select((n, i) => (JsonNode?)new JsonArray(n, types[i])).ToArray()),
            ["hasMore"] = results.Count >= limit,
            ["limit"] = limit,
            ["offset"] = offset,
            ["hogql"] = hogql,
            ["error"] = null,
        };

        long Resolve(string token) =>
            token.StartsWith('{') ? long.Parse(parameters.First(p => "{" + p.Key == token.Split(':')[0]).Value, CultureInfo.InvariantCulture) : long.Parse(token, CultureInfo.InvariantCulture);
    }

    /// <summary>PostHog's JSON for a ClickHouse value: 64-bit integers as numbers, times as ISO-8601 in UTC.</summary>
    private static JsonNode? AsPostHogSends(JsonNode? value, string type)
    {
        while (type.StartsWith("Nullable(", StringComparison.Ordinal) || type.StartsWith("LowCardinality(", StringComparison.Ordinal))
            type = type[(type.IndexOf('(') + 1)..^1];
        if (value is null) return null;
        if (type.StartsWith("Array(", StringComparison.Ordinal) && value is JsonArray items)
            return new JsonArray(items.Select(v => AsPostHogSends(v?.DeepClone(), type[6..^1])).ToArray());
        if (value is not JsonValue scalar || scalar.GetValueKind() != JsonValueKind.String) return value;
        var text = scalar.GetValue<string>();
        if (type is "Int64" or "UInt64" or "UInt32") return JsonValue.Create(decimal.Parse(text, CultureInfo.InvariantCulture));
        if (type.StartsWith("DateTime", StringComparison.Ordinal))
            return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
                .ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
        return value;
    }

    private JsonObject Jobs(HttpListenerRequest request)
    {
        var limit = Math.Min(int.TryParse(request.QueryString["limit"], out var l) ? l : 100, JobsPageSize);
        var offset = int.TryParse(request.QueryString["offset"], out var o) ? o : 0;
        var jobs = AllJobs();
        var page = jobs.Skip(offset).Take(limit).ToList();
        var next = offset + page.Count < jobs.Count
            ? $"{Host}api/environments/{_projectId}/llm_analytics/clustering_jobs/?limit={limit}&offset={offset + page.Count}"
            : null;
        return new JsonObject
        {
            ["count"] = jobs.Count,
            ["next"] = next,
            ["previous"] = null,
            ["results"] = new JsonArray(page.Select(j => (JsonNode?)j).ToArray()),
        };
    }

    /// <summary>The jobs named on the project's run events, plus one that never ran and is disabled.</summary>
    public List<JsonObject> AllJobs()
    {
        var output = EmbeddedEngine.RunRaw(_dataPath, $"""
            SELECT JSONExtractString(properties, '$ai_clustering_job_id') AS id, any(JSONExtractString(properties, '$ai_clustering_job_name')) AS name,
                   any(JSONExtractString(properties, '$ai_clustering_level')) AS level, min(timestamp) AS first_run
            FROM {_table.Quoted}
            WHERE team_id = {_projectId} AND event IN ('$ai_trace_clusters', '$ai_generation_clusters', '$ai_evaluation_clusters') AND id != ''
            GROUP BY id ORDER BY id
            """, "JSONEachRow", []);
        var jobs = Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var row = JsonNode.Parse(line)!;
            var created = DateTime.Parse((string)row["first_run"]!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal).AddDays(-1);
            return new JsonObject
            {
                ["id"] = (string?)row["id"],
                ["name"] = (string?)row["name"],
                ["analysis_level"] = (string?)row["level"] is { Length: > 0 } level ? level : "trace",
                ["event_filters"] = new JsonArray(new JsonObject { ["key"] = "$ai_model", ["value"] = "gpt-4o", ["operator"] = "exact", ["type"] = "event" }),
                ["enabled"] = true,
                ["created_at"] = created.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
                ["updated_at"] = created.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
            };
        }).ToList();
        jobs.Add(new JsonObject
        {
            ["id"] = "00000000-0000-4000-8000-00000000d15a",
            ["name"] = "Paused - evaluations",
            ["analysis_level"] = "evaluation",
            ["event_filters"] = new JsonArray(),
            ["enabled"] = false,
            ["created_at"] = "2026-01-05T09:00:00Z",
            ["updated_at"] = "2026-02-01T09:00:00Z",
        });
        return jobs;
    }

    private static void Error(HttpListenerResponse response, int status, string type, string code, string detail) =>
        Json(response, status, new JsonObject { ["type"] = type, ["code"] = code, ["detail"] = detail, ["attr"] = null });

    private static void Json(HttpListenerResponse response, int status, JsonObject body)
    {
        try
        {
            var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
            response.StatusCode = status;
            response.ContentType = "application/json";
            response.ContentLength64 = bytes.Length;
            response.OutputStream.Write(bytes);
            response.Close();
        }
        catch (HttpListenerException)
        {
        }
    }

    [GeneratedRegex(@"^/api/projects/([^/]+)/query/?$")]
    private static partial Regex QueryPath();

    [GeneratedRegex(@"^/api/projects/([^/]+)/query/([0-9a-f]+)/?$")]
    private static partial Regex CancelPath();

    [GeneratedRegex(@"^/api/environments/([^/]+)/llm_analytics/clustering_jobs/?$")]
    private static partial Regex JobsPath();

    [GeneratedRegex(@"\bproperties\.(\$?[A-Za-z_][A-Za-z0-9_$]*)")]
    private static partial Regex PropertyAccess();

    [GeneratedRegex(@"\bFROM\s+`?events`?(?![\w`])", RegexOptions.IgnoreCase)]
    private static partial Regex EventsTableReference();

    [GeneratedRegex(@"\bFROM\s+`?ai_events`?(?![\w`])", RegexOptions.IgnoreCase)]
    private static partial Regex AiEventsTableReference();

    [GeneratedRegex(@"\{([A-Za-z_]\w*)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"\bLIMIT\s+(?<limit>\{\w+:\w+\}|\d+)(\s+OFFSET\s+(?<offset>\{\w+:\w+\}|\d+))?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex TrailingLimit();

}
