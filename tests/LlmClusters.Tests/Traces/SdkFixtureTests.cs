using System.Text.Json;
using LlmClusters.Core.Import;
using LlmClusters.Core.Model;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Core.Traces;

namespace LlmClusters.Tests.Traces;

/// <summary>
/// Events written by PostHog's real Node SDK (tests/sdk/make-fixture.mjs), as PostHog's S3 batch export lays them out
/// (no team_id), imported and read as a user would: failures, message shapes, costs and names.
/// </summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class SdkFixtureTests(EngineFixture engine)
{
    private const long Team = 2;
    private static readonly string Export = Repository.File("tests/LlmClusters.Tests/Fixtures/sdk-export.jsonl");

    private sealed record Line(string Event, string? TraceId, DateTime Timestamp, JsonElement Properties);

    private static readonly Lazy<IReadOnlyList<Line>> Lines = new(() => File.ReadLines(Export).Select(l =>
    {
        var row = JsonDocument.Parse(l).RootElement;
        var properties = row.GetProperty("properties");
        return new Line(row.GetProperty("event").GetString()!,
            properties.TryGetProperty("$ai_trace_id", out var t) ? t.GetString() : null,
            row.GetProperty("timestamp").GetDateTime().ToUniversalTime(), properties.Clone());
    }).ToList());

    private static string TraceWhere(Func<JsonElement, bool> match) =>
        Lines.Value.First(l => l.TraceId is not null && match(l.Properties)).TraceId!;

    private static string? Text(JsonElement properties, string name) =>
        properties.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private async Task<(LlmAnalyticsConnection Connection, ImportResult Import)> ImportAsync()
    {
        var table = engine.NewTable("sdk");
        var import = await new EventImporter(new QueryRunner(table)).ImportAsync(Export, new ImportOptions { TeamId = Team }, CancellationToken.None);
        return (new LlmAnalyticsConnection(table, Team), import);
    }

    private static async Task<IReadOnlyList<LlmTrace>> ReadAllAsync(LlmAnalyticsConnection connection)
    {
        var since = Lines.Value.Min(l => l.Timestamp).AddMinutes(-1);
        var until = Lines.Value.Max(l => l.Timestamp).AddMinutes(1);
        var ids = Lines.Value.Select(l => l.TraceId).OfType<string>().Distinct().ToList();
        var (traces, missing) = await new TraceReader(connection).ReadAsync(ids.Select(id => new TraceRequest(id, since, until)).ToList(), CancellationToken.None);
        Assert.Empty(missing);
        return traces;
    }

    [Fact]
    public async Task An_export_without_team_ids_is_stamped_with_the_team_given()
    {
        var (connection, import) = await ImportAsync();
        using var _ = connection;

        Assert.Equal(Lines.Value.Count, import.EventsAdded);
        Assert.Equal(Lines.Value.Count, import.EventsWithoutTeam);
        Assert.Equal([Team], import.Teams);
        Assert.Equal(Lines.Value.Select(l => l.TraceId).OfType<string>().Distinct().Count(), (await ReadAllAsync(connection)).Count);
    }

    [Fact]
    public async Task Failures_read_as_what_went_wrong_with_the_status_beside_them()
    {
        var (connection, _) = await ImportAsync();
        using var __ = connection;
        var traces = (await ReadAllAsync(connection)).ToDictionary(t => t.TraceId);

        var overloaded = traces[TraceWhere(p => p.TryGetProperty("$ai_http_status", out var s) && s.GetInt32() == 529)];
        var failed = Assert.Single(overloaded.Events, e => e.IsError);
        Assert.Equal("Overloaded", failed.Error);
        Assert.Equal(529, failed.HttpStatus);
        Assert.Contains("\"stack\"", failed.ErrorDetail, StringComparison.Ordinal);
        var tree = TraceTreeRenderer.Render(overloaded, width: 80);
        Assert.Contains(tree, l => l.EndsWith("ERROR: HTTP 529: Overloaded", StringComparison.Ordinal));
        Assert.Contains(TraceTreeRenderer.Render(overloaded, full: true, width: 80), l => l.TrimStart().StartsWith("stack: Error: 529", StringComparison.Ordinal));

        var limited = traces[TraceWhere(p => Text(p, "$ai_provider") == "openai" && p.TryGetProperty("$ai_http_status", out var s) && s.GetInt32() == 429)];
        Assert.StartsWith("Rate limit reached for gpt-4o-mini", Assert.Single(limited.Events, e => e.IsError).Error, StringComparison.Ordinal);

        // LangChain flags the failing step and every run above it; the trace failed once.
        var chain = traces[TraceWhere(p => Text(p, "$ai_span_name") == "stock_check")];
        Assert.True(chain.Events.Count(e => e.IsError) >= 2);
        Assert.Equal(1, chain.ErrorCount);
        Assert.All(chain.Events.Where(e => e.IsError), e => Assert.StartsWith("Inventory service unavailable", e.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Totals_read_by_query_agree_with_the_traces_read_whole()
    {
        var (connection, _) = await ImportAsync();
        using var __ = connection;
        var whole = await ReadAllAsync(connection);
        var listed = (await new TraceReader(connection).RecentAsync(Lines.Value.Min(l => l.Timestamp).AddMinutes(-1), Lines.Value.Max(l => l.Timestamp).AddMinutes(1),
            null, errorOnly: false, first: 1000, CancellationToken.None)).ToDictionary(t => t.TraceId);

        Assert.Equal(whole.Count, listed.Count);
        foreach (var trace in whole)
        {
            var totals = listed[trace.TraceId];
            Assert.Equal((trace.TraceName, trace.ErrorCount, trace.EventCount, trace.CacheReadTokens, trace.CacheWriteTokens),
                (totals.TraceName, totals.ErrorCount, totals.EventCount, totals.CacheReadTokens, totals.CacheWriteTokens));
            Assert.Equal(trace.TotalCost, totals.TotalCost, 12);
        }
        // The wrappers write no $ai_trace root: such a trace is named after its first generation's model.
        var flat = whole.First(t => t.Events.All(e => e.Event != "$ai_trace") && t.Events.Any(e => e.Model == "claude-sonnet-4-5"));
        Assert.Equal("claude-sonnet-4-5", flat.TraceName);
        Assert.Equal(2, listed.Values.Count(t => t.ErrorCount == 1 && t.TraceName == "stock_check"));
        Assert.True(whole.Sum(t => t.CacheReadTokens) > 0);
        Assert.Contains(whole.SelectMany(t => t.Events), e => e.TimeToFirstToken > 0);
    }

    [Fact]
    public async Task Every_message_shape_the_SDK_writes_renders_as_text()
    {
        var (connection, _) = await ImportAsync();
        using var __ = connection;
        var traces = (await ReadAllAsync(connection)).ToDictionary(t => t.TraceId);
        IReadOnlyList<string> Tree(string traceId) => TraceTreeRenderer.Render(traces[traceId], full: true, width: 200);

        var responses = Tree(TraceWhere(p => Text(p, "$ai_model") == "gpt-4.1-mini"));
        Assert.Contains(responses, l => l.Contains("assistant: [tool call get_weather({\"city\":\"Paris\"})]", StringComparison.Ordinal));
        Assert.Contains(responses, l => l.Contains("tool: [tool result] {\"temperature_c\":14", StringComparison.Ordinal));

        var chain = Tree(TraceWhere(p => Text(p, "$ai_span_name") == "code_review"));
        Assert.Contains(chain, l => l.Contains("out: system: You review code and answer in two sentences.", StringComparison.Ordinal));
        Assert.DoesNotContain(chain, l => l.Contains("lc_serializable", StringComparison.Ordinal));

        var agent = Tree(TraceWhere(p => Text(p, "$ai_span_name") == "order_agent"));
        Assert.Contains(agent, l => l.Contains("[tool call lookup_order(", StringComparison.Ordinal));

        var anthropicTool = Tree(TraceWhere(p => Text(p, "$ai_stop_reason") == "tool_use"));
        Assert.Contains(anthropicTool, l => l.Contains("[tool call lookup_order({\"order_id\":", StringComparison.Ordinal));
        Assert.Contains(anthropicTool, l => l.Contains("[tool result] Order A-1042", StringComparison.Ordinal));

        var image = Tree(TraceWhere(p => p.TryGetProperty("$ai_input", out var i) && i.GetRawText().Contains("\"image\"", StringComparison.Ordinal)));
        Assert.Contains(image, l => l.Contains("user: [image] Is the sole of this shoe damaged?", StringComparison.Ordinal));

        var hidden = Tree(TraceWhere(p => p.TryGetProperty("$ai_input", out var i) && i.ValueKind == JsonValueKind.Null && Text(p, "$ai_stop_reason") is not null));
        Assert.Contains(hidden, l => l.Contains("in:  (not captured)", StringComparison.Ordinal));
        Assert.Contains(hidden, l => l.Contains("out: (not captured)", StringComparison.Ordinal));

        var embedding = traces[TraceWhere(p => Text(p, "$ai_model") == "text-embedding-3-small")];
        var cost = Assert.Single(embedding.Events).Cost!.Value;
        Assert.True(cost is > 0 and < 1e-5);
        Assert.Contains(TraceTreeRenderer.Render(embedding), l => l.Contains(Core.Formatting.NumberText.Cost(cost), StringComparison.Ordinal) && !l.Contains("$0.00000 ", StringComparison.Ordinal));
        Assert.Matches(@"\$0\.000000?[1-9]\d\d", Core.Formatting.NumberText.Cost(cost));
    }
}
