using System.Globalization;
using System.Text.Json;
using LlmClusters.Core.Import;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Core.Traces;

namespace LlmClusters.Tests.Traces;

/// <summary>
/// Message content where today's PostHog keeps it (ai_events), on the SDK fixture laid out as PostHog lays it out since
/// the split (tests/sdk/split-fixture.mjs): split traces, a trace from before the split, an expired trace and a
/// malformed column must render as the same events do when their content sits in events, on every source.
/// </summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class AiEventsContentTests(EngineFixture engine)
{
    private const long Team = 2;
    private static readonly string Export = Repository.File("tests/LlmClusters.Tests/Fixtures/sdk-export.jsonl");
    private static readonly string TodayEvents = Repository.File("tests/LlmClusters.Tests/Fixtures/sdk-today-events.jsonl");
    private static readonly string TodayAiEvents = Repository.File("tests/LlmClusters.Tests/Fixtures/sdk-today-ai-events.jsonl");

    // As split-fixture.mjs chose them (it prints them).
    private const string BeforeSplit = "4c210d4e-77d8-4b9c-b2b5-3bc2be7ce330";
    private const string Expired = "29ee7fd5-a76b-4cd8-9726-3f731e41f123";
    private const string Malformed = "01a22b8c-6eae-733f-8b1a-6740affa42ac";

    private static readonly Lazy<IReadOnlyList<JsonElement>> Rows = new(() =>
        File.ReadLines(Export).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList());

    private static IReadOnlyList<string> TraceIds => Rows.Value.Select(r => r.GetProperty("properties").TryGetProperty("$ai_trace_id", out var t) ? t.GetString() : null)
        .OfType<string>().Distinct().ToList();

    private static Task Run(IAnalyticsSource source, string sql) => source.QueryAsync(new SqlQuery("Test", sql) { Writes = true }, CancellationToken.None);

    /// <summary>The fixture as PostHog wrote before the split: every event whole in events, and no ai_events at all.</summary>
    private async Task<EmbeddedSource> ContentInEventsAsync(bool keepAiEvents = false)
    {
        var table = engine.NewTable("content_in_events");
        var runner = new QueryRunner(table);
        await runner.EnsureEventsTableAsync(CancellationToken.None);
        await runner.InsertJsonRowsAsync(Rows.Value.Select(EventRow).ToList(), CancellationToken.None, ContentPlacement.EventsOnly);
        if (!keepAiEvents) await Run(table, $"DROP TABLE {table.Table.AiEvents.Quoted}");
        return table;
    }

    private static string EventRow(JsonElement row) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["uuid"] = row.GetProperty("uuid").GetString(),
        ["event"] = row.GetProperty("event").GetString(),
        ["properties"] = row.GetProperty("properties").GetRawText(),
        ["timestamp"] = row.GetProperty("timestamp").GetDateTime().ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
        ["team_id"] = Team,
        ["distinct_id"] = row.GetProperty("distinct_id").GetString(),
    });

    /// <summary>The store in today's layout, from the two exports of today's PostHog.</summary>
    private async Task<EmbeddedSource> TodayAsync()
    {
        var table = engine.NewTable("today");
        var importer = new EventImporter(new QueryRunner(table));
        await importer.ImportAsync(TodayEvents, new ImportOptions { TeamId = Team }, CancellationToken.None);
        await importer.ImportAsync(TodayAiEvents, new ImportOptions { TeamId = Team }, CancellationToken.None);
        return table;
    }

    private sealed class Notices : IQueryObserver
    {
        public List<string> Said { get; } = [];
        public List<string> Sent { get; } = [];
        public void QueryStarting(SqlQuery query, string location) => Sent.Add(query.Name);
        public void QueryFinished(SqlQuery query, TimeSpan elapsed, long rows) { }
        public void Notice(string message) => Said.Add(message);
    }

    private static async Task<Dictionary<string, LlmTrace>> ReadAsync(LlmAnalyticsConnection connection, Notices? notices = null)
    {
        var since = Rows.Value.Min(r => r.GetProperty("timestamp").GetDateTime().ToUniversalTime()).AddMinutes(-1);
        var until = Rows.Value.Max(r => r.GetProperty("timestamp").GetDateTime().ToUniversalTime()).AddMinutes(1);
        var (traces, missing) = await new TraceReader(connection, notices).ReadAsync(TraceIds.Select(id => new TraceRequest(id, since, until)).ToList(), CancellationToken.None);
        Assert.Empty(missing);
        return traces.ToDictionary(t => t.TraceId);
    }

    private static IReadOnlyList<string> Tree(LlmTrace trace) => TraceTreeRenderer.Render(trace, full: true, width: 120);

    private static void SameTrees(Dictionary<string, LlmTrace> expected, Dictionary<string, LlmTrace> actual, params string[] except)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var id in expected.Keys.Except(except)) Assert.Equal(Tree(expected[id]), Tree(actual[id]));
    }

    [Fact]
    public async Task Traces_split_by_today_s_PostHog_render_as_they_did_with_their_content_in_events()
    {
        using var before = new LlmAnalyticsConnection(await ContentInEventsAsync(), Team);
        using var today = new LlmAnalyticsConnection(await TodayAsync(), Team);
        var expected = await ReadAsync(before);
        var notices = new Notices();
        var read = await ReadAsync(today, notices);

        SameTrees(expected, read, Expired, Malformed);
        Assert.Contains(expected[BeforeSplit].Events, e => e.Input is { Length: > 0 });
        Assert.All(expected.Values, t => Assert.False(t.ContentExpired));
        Assert.Equal([Expired], read.Values.Where(t => t.ContentExpired).Select(t => t.TraceId));
        // Imported, even the trace from before the split is written as PostHog's ingestion writes today: its events copy
        // holds no content, and every prompt shown came from ai_events.
        var stripped = await today.CreateRunner(null).Source.QueryAsync(new SqlQuery("Test",
            $"SELECT countIf(JSONHas(properties, '$ai_input')) AS n FROM {today.CreateRunner(null).Source.Table.Quoted} WHERE event = '$ai_generation'"), CancellationToken.None);
        Assert.Equal(0L, Convert.ToInt64(stripped.Rows.Single()[0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Whole_events_imported_are_split_as_PostHog_s_ingestion_splits_them()
    {
        using var before = new LlmAnalyticsConnection(await ContentInEventsAsync(), Team);
        var table = engine.NewTable("import_split");
        await new EventImporter(new QueryRunner(table)).ImportAsync(Export, new ImportOptions { TeamId = Team }, CancellationToken.None);
        using var imported = new LlmAnalyticsConnection(table, Team);

        SameTrees(await ReadAsync(before), await ReadAsync(imported));
        var counts = await table.QueryAsync(new SqlQuery("Test", $"""
            SELECT (SELECT count() FROM {table.Table.AiEvents.Quoted}) AS content_rows,
                   (SELECT countIf(JSONHas(properties, '$ai_input') OR JSONHas(properties, '$ai_output_choices')) FROM {table.Table.Quoted}) AS whole_events
            """), CancellationToken.None);
        Assert.Equal((long)Rows.Value.Count, Convert.ToInt64(counts.Rows.Single()[0], CultureInfo.InvariantCulture));
        Assert.Equal(0L, Convert.ToInt64(counts.Rows.Single()[1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task An_expired_trace_says_once_that_its_content_is_gone()
    {
        using var today = new LlmAnalyticsConnection(await TodayAsync(), Team);
        var trace = (await ReadAsync(today))[Expired];

        Assert.True(trace.ContentExpired);
        Assert.All(trace.Events, e => Assert.Null(e.Input));
        var tree = TraceTreeRenderer.Render(trace, width: 80);
        Assert.Single(tree, l => l.Contains("Content gone", StringComparison.Ordinal));
        Assert.All(tree, l => Assert.True(l.Length <= 80, l));
        // Said once, not as an empty or "not captured" message under each step.
        Assert.DoesNotContain(tree, l => l.Contains("in:", StringComparison.Ordinal) || l.Contains("out:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Malformed_content_shows_as_its_raw_text_with_one_warning_for_the_trace()
    {
        using var today = new LlmAnalyticsConnection(await TodayAsync(), Team);
        var notices = new Notices();
        var trace = (await ReadAsync(today, notices))[Malformed];

        var said = Assert.Single(notices.Said);
        Assert.Contains(Malformed, said, StringComparison.Ordinal);
        var cut = File.ReadLines(TodayAiEvents).Select(l => JsonDocument.Parse(l).RootElement).Single(r => r.GetProperty("trace_id").GetString() == Malformed &&
            r.GetProperty("event").GetString() == "$ai_generation").GetProperty("output_choices").GetString();
        Assert.Contains(trace.Events, e => e.Output == cut);
    }

    [Fact]
    public async Task A_row_replayed_in_ai_events_counts_once()
    {
        var source = await TodayAsync();
        using var today = new LlmAnalyticsConnection(source, Team);
        var expected = await ReadAsync(today);
        // Kafka delivers at least once: the same row twice, as PostHog's table can hold it.
        await Run(source, $"INSERT INTO {source.Table.AiEvents.Quoted} SELECT * FROM {source.Table.AiEvents.Quoted} WHERE trace_id = '{TraceIds[5]}'");
        using var again = new LlmAnalyticsConnection(source, Team);

        var read = await ReadAsync(again);
        SameTrees(expected, read);
        Assert.Equal(expected[TraceIds[5]].EventCount, read[TraceIds[5]].EventCount);
    }

    [Fact]
    public async Task An_older_ai_events_without_a_column_reads_that_column_from_events()
    {
        using var before = new LlmAnalyticsConnection(await ContentInEventsAsync(), Team);
        // As during PostHog's double write: whole in events and in ai_events; this ai_events predates output_choices.
        var source = await ContentInEventsAsync(keepAiEvents: true);
        await source.QueryAsync(ContentQueries.InsertAiEventRows(source.Table, Rows.Value.Select(EventRow).ToList()), CancellationToken.None);
        await Run(source, $"ALTER TABLE {source.Table.AiEvents.Quoted} DROP COLUMN output_choices");
        using var older = new LlmAnalyticsConnection(source, Team);

        Assert.Equal(ContentColumns.All & ~ContentColumns.OutputChoices, (await older.CreateRunner(null).ContentTableAsync(CancellationToken.None)).Content);
        SameTrees(await ReadAsync(before), await ReadAsync(older));
    }

    [Fact]
    public async Task A_source_without_ai_events_reads_content_from_events_as_before()
    {
        using var before = new LlmAnalyticsConnection(await ContentInEventsAsync(), Team);
        var notices = new Notices();

        var read = await ReadAsync(before, notices);
        Assert.Equal(ContentColumns.None, (await before.CreateRunner(null).ContentTableAsync(CancellationToken.None)).Content);
        Assert.Empty(notices.Said);
        Assert.All(read.Values, t => Assert.False(t.ContentExpired));
        Assert.Equal(1, notices.Sent.Count(s => s == nameof(TraceQueries.TraceEvents)));
    }

    [Fact]
    public async Task ClickHouse_and_PostHog_read_the_split_store_as_the_embedded_engine_does()
    {
        var source = await TodayAsync();
        using var embedded = new LlmAnalyticsConnection(source, Team);
        var expected = await ReadAsync(embedded);
        using var clickHouse = new LlmAnalyticsConnection(new ClickHouse.ClickHouseServerSource(new ClickHouse.ClickHouseServerOptions
        {
            Host = "127.0.0.1", Port = (ushort)engine.Endpoint.Port, Table = source.Table, Retries = 3,
        }), Team);
        using var postHog = PostHogOver(source.Table);
        using var overPostHog = Connect(postHog);

        foreach (var read in new[] { await ReadAsync(clickHouse), await ReadAsync(overPostHog) })
        {
            SameTrees(expected, read);
            Assert.Equal([Expired], read.Values.Where(t => t.ContentExpired).Select(t => t.TraceId));
        }
    }

    [Fact]
    public async Task A_PostHog_without_ai_events_is_read_from_events_alone()
    {
        var source = await ContentInEventsAsync();
        using var embedded = new LlmAnalyticsConnection(source, Team);
        using var postHog = PostHogOver(source.Table);
        using var overPostHog = Connect(postHog);

        SameTrees(await ReadAsync(embedded), await ReadAsync(overPostHog));
        Assert.Equal(ContentColumns.None, (await overPostHog.CreateRunner(null).ContentTableAsync(CancellationToken.None)).Content);
    }

    [Fact]
    public async Task The_demo_is_written_in_today_s_layout_with_traces_from_before_the_split_and_one_gone()
    {
        var data = engine.DemoData;
        var before = data.Traces.Where(t => t.Content == ContentPlacement.EventsOnly).ToList();
        var gone = Assert.Single(data.Traces, t => t.Content == ContentPlacement.Gone);
        Assert.InRange(before.Count, 2, data.Traces.Count / 10);
        var split = data.Traces.Where(t => t.Content == ContentPlacement.Split && t.Events.Any(e => e.Event == "$ai_generation")).Take(3).ToList();
        using var demo = engine.DemoConnection();
        var (traces, missing) = await new TraceReader(demo).ReadAsync(
            before.Take(3).Concat(split).Append(gone).Select(t => new TraceRequest(t.TraceId, t.Start.AddHours(-1), t.Start.AddHours(1))).ToList(), CancellationToken.None);
        Assert.Empty(missing);
        var read = traces.ToDictionary(t => t.TraceId);

        Assert.True(read[gone.TraceId].ContentExpired);
        foreach (var trace in before.Take(3).Concat(split))
        {
            Assert.False(read[trace.TraceId].ContentExpired);
            Assert.Contains(read[trace.TraceId].Events, e => e.Input is { Length: > 0 });
        }
        var source = demo.CreateRunner(null).Source;
        var placed = await source.QueryAsync(new SqlQuery("Test",
            $"SELECT (SELECT countIf(JSONHas(properties, '$ai_input')) FROM {source.Table.Quoted} WHERE event = '$ai_generation') AS whole, " +
            $"(SELECT count() FROM {source.Table.AiEvents.Quoted} WHERE event = '$ai_generation') AS content_rows"), CancellationToken.None);
        int Generations(IEnumerable<Core.Demo.DemoTrace> of) => of.Sum(t => t.Events.Count(e => e.Event == "$ai_generation"));
        Assert.Equal((long)Generations(before), Convert.ToInt64(placed.Rows.Single()[0], CultureInfo.InvariantCulture));
        Assert.Equal((long)(Generations(data.Traces) - Generations(before) - Generations([gone])), Convert.ToInt64(placed.Rows.Single()[1], CultureInfo.InvariantCulture));
    }

    private static readonly DateTime At = new(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc);

    private static async Task<LlmTrace> TraceAsync(LlmAnalyticsConnection connection, string traceId)
    {
        var (traces, missing) = await new TraceReader(connection).ReadAsync([new TraceRequest(traceId, At.AddHours(-1), At.AddHours(1))], CancellationToken.None);
        Assert.Empty(missing);
        return Assert.Single(traces);
    }

    [Fact]
    public async Task A_generation_in_privacy_mode_is_not_captured_rather_than_gone()
    {
        // Privacy mode leaves the keys out; PostHog writes the event to ai_events all the same.
        var source = await new EventWriter(engine.NewTable("privacy"))
            .Add("$ai_generation", At, new Dictionary<string, object?> { ["$ai_trace_id"] = "private", ["$ai_model"] = "gpt-4o", ["$ai_total_cost_usd"] = 0.01 })
            .WriteAsync();
        var trace = await TraceAsync(new LlmAnalyticsConnection(source), "private");
        Assert.False(trace.ContentExpired);
        var tree = Tree(trace);
        Assert.DoesNotContain(tree, l => l.Contains("Content gone", StringComparison.Ordinal));
        Assert.Contains(tree, l => l.Contains("(not captured)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_property_name_with_a_quote_keeps_the_stripped_event_readable()
    {
        var source = await new EventWriter(engine.NewTable("quoted_key"))
            .Add("$ai_generation", At, """{"$ai_trace_id": "quoted", "say \"hi\"\\now": 1, "$ai_total_cost_usd": 0.25, "$ai_input": [{"role": "user", "content": "hello there"}]}""")
            .WriteAsync();
        var stored = await source.QueryAsync(new SqlQuery("Stored", $"SELECT properties FROM {source.Table.Quoted}"), CancellationToken.None);
        using (var properties = JsonDocument.Parse((string)stored.Rows.Single()[0]!))
        {
            Assert.Equal(1, properties.RootElement.GetProperty("say \"hi\"\\now").GetInt32());
            Assert.False(properties.RootElement.TryGetProperty("$ai_input", out _));
        }
        var trace = await TraceAsync(new LlmAnalyticsConnection(source), "quoted");
        Assert.Equal(0.25, Assert.Single(trace.Events).Cost);
        Assert.Contains(Tree(trace), l => l.Contains("hello there", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Teams_sharing_an_event_uuid_each_read_their_own_content()
    {
        var uuid = Guid.NewGuid();
        EventWriter Generation(EventWriter writer, long team) => writer.Add("$ai_generation", At, new Dictionary<string, object?>
        {
            ["$ai_trace_id"] = "shared", ["$ai_input"] = new[] { new { role = "user", content = $"asked by team {team}" } },
        }, uuid, team);
        var source = await Generation(Generation(new EventWriter(engine.NewTable("two_teams")), 1), 2).WriteAsync();
        var runner = new QueryRunner(source);
        var table = await runner.ContentTableAsync(CancellationToken.None);
        Assert.Equal(ContentColumns.All, table.Content);
        // A ClickHouse server read without a team sees both teams' events.
        var rows = await runner.ListAsync(TraceQueries.TraceEvents(table, ["shared"], At.AddHours(-1), At.AddHours(1), null), CancellationToken.None);
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Contains($"asked by team {r.Team}", r.Event.Input, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_store_made_before_ai_events_gives_its_llm_events_their_rows_once()
    {
        var source = engine.NewTable("before_ai_events");
        var runner = new QueryRunner(source);
        await runner.EnsureEventsTableAsync(CancellationToken.None);
        await Run(source, $"DROP TABLE {source.Table.AiEvents.Quoted}");
        await runner.InsertJsonRowsAsync(
        [
            JsonSerializer.Serialize(new { uuid = Guid.NewGuid(), @event = "$ai_generation", properties = JsonSerializer.Serialize(new Dictionary<string, object?> { ["$ai_trace_id"] = "earlier", ["$ai_model"] = "gpt-4o" }),
                timestamp = At.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture), team_id = 1, distinct_id = "d" }),
        ], CancellationToken.None, ContentPlacement.EventsOnly);

        var reopened = new QueryRunner(source);
        await reopened.EnsureEventsTableAsync(CancellationToken.None);
        await reopened.EnsureEventsTableAsync(CancellationToken.None);
        var copied = await source.QueryAsync(new SqlQuery("Copied", $"SELECT count() FROM {source.Table.AiEvents.Quoted}"), CancellationToken.None);
        Assert.Equal(1UL, Convert.ToUInt64(copied.Rows[0][0], CultureInfo.InvariantCulture));
        // Its privacy-mode generation is not taken for content that is gone.
        Assert.False((await TraceAsync(new LlmAnalyticsConnection(source), "earlier")).ContentExpired);
    }

    private Sources.PostHogApiEndpoint PostHogOver(EventsTable table) =>
        new(engine.DataPath, table, Team, new Dictionary<string, string[]> { [EngineFixture.PostHogKey] = [Sources.PostHogApiEndpoint.QueryScope] });

    private static LlmAnalyticsConnection Connect(Sources.PostHogApiEndpoint postHog) => new(new PostHog.PostHogApiSource(new PostHog.PostHogApiOptions
    {
        Host = postHog.Host, ProjectId = Team, ApiKey = EngineFixture.PostHogKey, RetryDelay = TimeSpan.FromMilliseconds(20),
    }), Team, postHogHost: postHog.Host);
}
