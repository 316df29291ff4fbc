using System.Text.Json;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Model;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Core.Traces;

namespace LlmClusters.Tests.Clusters;

/// <summary>
/// Summaries as PostHog's summarizer writes them (trace_summarization/summarize_and_save.py: $ai_summary_bullets and
/// $ai_summary_interesting_notes as arrays of {"text", "line_refs"}), read as PostHog's clusters page reads them: the
/// newest of each item within the run's window.
/// </summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class ItemSummaryTests(EngineFixture engine)
{
    private static readonly DateTime WindowEnd = new(2026, 4, 2, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime WindowStart = WindowEnd.AddDays(-1);

    private static string Row(string @event, DateTime at, Dictionary<string, object?> properties, string distinctId = "d") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["uuid"] = Guid.NewGuid(), ["event"] = @event, ["properties"] = JsonSerializer.Serialize(properties),
            ["timestamp"] = at.ToString("yyyy-MM-dd HH:mm:ss.ffffff"), ["team_id"] = 1, ["distinct_id"] = distinctId,
        });

    private static string Summary(string @event, string key, string id, DateTime at, string title, object? bullets, object? notes = null) =>
        Row(@event, at, new Dictionary<string, object?>
        {
            [key] = id, ["$ai_trace_id"] = key == "$ai_trace_id" ? id : "parent-" + id, ["$ai_summary_title"] = title,
            ["$ai_summary_flow_diagram"] = "User -> Agent", ["$ai_summary_bullets"] = bullets,
            ["$ai_summary_interesting_notes"] = notes ?? new[] { new { text = "a note", line_refs = "L3" } }, ["$ai_summary_mode"] = "detailed",
            ["trace_timestamp"] = at.AddMinutes(-30).ToString("O"),
        }, "trace_summary_1");

    private static string Run(ClusterLevel level, string runId, params (int Cluster, string[] Items)[] clusters) =>
        Row(Core.Queries.ClusterQueries.EventForLevel(level), WindowEnd.AddMinutes(5), new Dictionary<string, object?>
        {
            ["$ai_clustering_run_id"] = runId, ["$ai_clustering_level"] = level.ToString(),
            ["$ai_window_start"] = WindowStart.ToString("O"), ["$ai_window_end"] = WindowEnd.ToString("O"),
            ["$ai_clusters"] = clusters.Select(c => new Dictionary<string, object?>
            {
                ["cluster_id"] = c.Cluster, ["size"] = c.Items.Length, ["title"] = "C" + c.Cluster,
                ["traces"] = c.Items.Select((item, rank) => (item, rank)).ToDictionary(p => p.item, p => (object)new Dictionary<string, object?>
                {
                    ["rank"] = p.rank, ["trace_id"] = level == ClusterLevel.generation ? "parent-" + p.item : p.item,
                    ["generation_id"] = level == ClusterLevel.generation ? p.item : null,
                }),
            }).ToList(),
        }, "clustering");

    private async Task<LlmAnalyticsConnection> ConnectionWith(params string[] rows)
    {
        var source = engine.NewTable("summaries");
        var runner = new QueryRunner(source);
        await runner.EnsureEventsTableAsync(CancellationToken.None);
        await runner.InsertJsonRowsAsync(rows, CancellationToken.None);
        return new LlmAnalyticsConnection(source);
    }

    [Fact]
    public async Task Each_trace_gets_its_newest_summary_in_the_runs_window()
    {
        var bullets = new[] { new { text = "Books a flight", line_refs = "L1" }, new { text = "Retries the payment", line_refs = "L9" } };
        var connection = await ConnectionWith(
            Run(ClusterLevel.trace, "1_trace_20260402_120000", (0, ["t-newest", "t-none", "t-outside"])),
            Summary("$ai_trace_summary", "$ai_trace_id", "t-newest", WindowStart.AddHours(2), "Older title", bullets),
            Summary("$ai_trace_summary", "$ai_trace_id", "t-newest", WindowEnd.AddHours(-1), "Flight booking with a retried payment", bullets),
            // Newer, but after the window: the page does not see it.
            Summary("$ai_trace_summary", "$ai_trace_id", "t-newest", WindowEnd.AddHours(3), "Too late", bullets),
            Summary("$ai_trace_summary", "$ai_trace_id", "t-outside", WindowStart.AddHours(-2), "Before the window", bullets));

        var items = (await new ClusterReader(connection).ReadItemsAsync(ClusterRunId.Parse("1_trace_20260402_120000"), null, null, CancellationToken.None, withSummaries: true))
            .ToDictionary(i => i.ItemId);

        var newest = items["t-newest"];
        Assert.Equal("Flight booking with a retried payment", newest.SummaryTitle);
        Assert.Equal(["Books a flight", "Retries the payment"], newest.Summary!.Bullets);
        Assert.Equal(["a note"], newest.Summary.InterestingNotes);
        Assert.Equal("User -> Agent", newest.Summary.FlowDiagram);
        Assert.Equal(WindowEnd.AddHours(-1), newest.Summary.Timestamp);
        Assert.Null(items["t-none"].Summary);
        Assert.Null(items["t-none"].SummaryTitle);
        Assert.Null(items["t-outside"].Summary);
        Assert.Equal("Untitled", TraceSummary.Untitled);
    }

    [Fact]
    public async Task Generations_are_summarized_by_generation_id_and_items_are_read_without_summaries_unless_asked()
    {
        var connection = await ConnectionWith(
            Run(ClusterLevel.generation, "1_generation_20260402_120000", (0, ["g1", "g2"])),
            Summary("$ai_generation_summary", "$ai_generation_id", "g1", WindowEnd.AddHours(-2), "Refund policy answer", new[] { new { text = "Quotes the policy" } }),
            // A trace summary of g2's trace is not g2's summary.
            Summary("$ai_trace_summary", "$ai_trace_id", "parent-g2", WindowEnd.AddHours(-2), "The whole trace", new[] { new { text = "x" } }));
        var reader = new ClusterReader(connection);
        var runId = ClusterRunId.Parse("1_generation_20260402_120000");

        var items = (await reader.ReadItemsAsync(runId, null, null, CancellationToken.None, withSummaries: true)).ToDictionary(i => i.ItemId);
        Assert.Equal("Refund policy answer", items["g1"].SummaryTitle);
        Assert.Null(items["g2"].Summary);
        Assert.All(await reader.ReadItemsAsync(runId, null, null, CancellationToken.None), i => Assert.Null(i.Summary));
    }

    [Fact]
    public async Task Bullets_of_other_shapes_give_what_can_be_read_and_say_so()
    {
        var connection = await ConnectionWith(
            Run(ClusterLevel.trace, "1_trace_20260402_120000", (0, ["as-text", "no-text", "double", "no-bullets"])),
            Summary("$ai_trace_summary", "$ai_trace_id", "as-text", WindowEnd.AddHours(-1), "One string", "Just one line"),
            Summary("$ai_trace_summary", "$ai_trace_id", "no-text", WindowEnd.AddHours(-1), "Missing text", new object[] { new { line_refs = "L1" }, "plain", 42, new { text = "kept" } }),
            Summary("$ai_trace_summary", "$ai_trace_id", "double", WindowEnd.AddHours(-1), "Encoded twice", "[{\"text\": \"inside a string\"}]"),
            Summary("$ai_trace_summary", "$ai_trace_id", "no-bullets", WindowEnd.AddHours(-1), "", null, Array.Empty<object>()));

        var items = (await new ClusterReader(connection).ReadItemsAsync(ClusterRunId.Parse("1_trace_20260402_120000"), null, null, CancellationToken.None, withSummaries: true))
            .ToDictionary(i => i.ItemId);

        Assert.Equal(["Just one line"], items["as-text"].Summary!.Bullets);
        Assert.False(items["as-text"].Summary!.HadUnreadable);
        Assert.Equal(["plain", "kept"], items["no-text"].Summary!.Bullets);
        Assert.True(items["no-text"].Summary!.HadUnreadable);
        Assert.Equal(["inside a string"], items["double"].Summary!.Bullets);
        Assert.Empty(items["no-bullets"].Summary!.Bullets);
        Assert.Null(items["no-bullets"].SummaryTitle);
        Assert.Equal("Untitled", items["no-bullets"].Summary!.ToString());
    }

    [Fact]
    public async Task A_trace_read_whole_carries_its_newest_summary_and_renders_it_above_its_tree()
    {
        var at = WindowEnd.AddHours(-3);
        var generation = Row("$ai_generation", at, new Dictionary<string, object?>
        {
            ["$ai_trace_id"] = "t-tree", ["$ai_model"] = "gpt-4o-mini", ["$ai_latency"] = 1.5, ["$ai_total_cost_usd"] = 0.002,
            ["$ai_input"] = "[{\"role\": \"user\", \"content\": \"Book me a flight\"}]",
        });
        var connection = await ConnectionWith(generation,
            Summary("$ai_trace_summary", "$ai_trace_id", "t-tree", at.AddMinutes(20), "First take", new[] { new { text = "old" } }),
            Summary("$ai_trace_summary", "$ai_trace_id", "t-tree", at.AddMinutes(40), "Flight booking", new[] { new { text = "Books a flight" } }));

        var (traces, missing) = await new TraceReader(connection).ReadAsync([new TraceRequest("t-tree", at.AddDays(-1), at.AddDays(1))], CancellationToken.None);

        Assert.Empty(missing);
        var trace = Assert.Single(traces);
        Assert.Equal(1, trace.EventCount);   // the summaries are not events of the tree
        Assert.Equal("Flight booking", trace.Summary!.Title);
        var plain = TraceTreeRenderer.Render(trace);
        Assert.Contains("  Summary: Flight booking", plain);
        Assert.DoesNotContain(plain, l => l.Contains("Books a flight", StringComparison.Ordinal));
        var detailed = TraceTreeRenderer.Render(trace, detailed: true);
        Assert.Contains("    - Books a flight", detailed);
        Assert.Contains("    - a note", detailed);
        Assert.True(detailed.ToList().IndexOf("  Summary: Flight booking") < detailed.ToList().FindIndex(l => l.Contains("generation gpt-4o-mini", StringComparison.Ordinal)));
    }
}
