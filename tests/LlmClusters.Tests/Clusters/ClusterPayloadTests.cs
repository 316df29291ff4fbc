using System.Text.Json;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Model;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Clusters;

/// <summary>Run events as damaged or unusual as real data gets, written by hand.</summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class ClusterPayloadTests(EngineFixture engine)
{
    private async Task<ClusterReader> ReaderWith(params (string RunId, object Clusters)[] runs)
    {
        var source = engine.NewTable("payload");
        var runner = new QueryRunner(source);
        await runner.EnsureEventsTableAsync(CancellationToken.None);
        var rows = runs.Select(run =>
        {
            var id = ClusterRunId.Parse(run.RunId);
            var properties = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["$ai_clustering_run_id"] = run.RunId,
                ["$ai_clustering_level"] = id.Level.ToString(),
                ["$ai_window_start"] = id.WindowEnd.AddDays(-1).ToString("O"),
                ["$ai_window_end"] = id.WindowEnd.ToString("O"),
                ["$ai_total_items_analyzed"] = 3,
                ["$ai_clusters"] = run.Clusters,
            });
            return JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["uuid"] = Guid.NewGuid(), ["event"] = Core.Queries.ClusterQueries.EventForLevel(id.Level), ["properties"] = properties,
                ["timestamp"] = id.WindowEnd.AddMinutes(5).ToString("yyyy-MM-dd HH:mm:ss"), ["team_id"] = 1, ["distinct_id"] = "c",
            });
        }).ToList();
        await runner.InsertJsonRowsAsync(rows, CancellationToken.None);
        return new ClusterReader(new LlmAnalyticsConnection(source));
    }

    [Fact]
    public async Task Clusters_that_are_not_json_are_a_damaged_run()
    {
        var reader = await ReaderWith(("1_trace_20260301_100000", "[{\"cluster_id\": 0, \"title\": \"cut off"));
        var error = await Assert.ThrowsAsync<InvalidRunPayloadException>(() => reader.ReadClustersAsync(ClusterRunId.Parse("1_trace_20260301_100000"), CancellationToken.None));
        Assert.Contains("not a valid JSON array", error.Message);
    }

    [Fact]
    public async Task Clusters_stored_as_a_json_string_are_read()
    {
        var reader = await ReaderWith(("1_trace_20260302_100000", "[{\"cluster_id\": 0, \"size\": 1, \"title\": \"Only\", \"traces\": {\"t1\": {\"rank\": 0}}}]"));
        var read = await reader.ReadClustersAsync(ClusterRunId.Parse("1_trace_20260302_100000"), CancellationToken.None);
        Assert.Equal("Only", Assert.Single(read.Clusters).Title);
    }

    [Fact]
    public async Task Mistyped_and_missing_fields_are_read_where_possible_and_reported()
    {
        var clusters = new object[]
        {
            new Dictionary<string, object?> { ["cluster_id"] = "2", ["size"] = "many", ["title"] = null, ["traces"] = new { a = new { rank = "1" }, b = new { rank = 0 } } },
            new Dictionary<string, object?> { ["size"] = 3, ["title"] = "No id" },
            5,
            new Dictionary<string, object?> { ["cluster_id"] = 0, ["size"] = 4.0, ["title"] = "Fine", ["centroid_x"] = "1.5", ["metrics"] = new { error_rate = "0.25", item_count = 4, avg_cost = (double?)null } },
        };
        var reader = await ReaderWith(("1_trace_20260303_100000", clusters));

        var read = await reader.ReadClustersAsync(ClusterRunId.Parse("1_trace_20260303_100000"), CancellationToken.None);

        Assert.Equal([2, 0], read.Clusters.Select(c => c.ClusterId));
        var damaged = read.Clusters[0];
        Assert.Equal("Cluster 2", damaged.Title);
        Assert.Equal(2, damaged.Size);
        var fine = read.Clusters[1];
        Assert.Equal(4, fine.Size);
        Assert.Equal(1.5, fine.CentroidX);
        Assert.Equal(0.25, fine.StoredMetrics!.ErrorRate);
        Assert.Equal(4, fine.StoredMetrics.ItemCount);
        Assert.Null(fine.StoredMetrics.AvgCost);
        Assert.Equal(5, read.Problems.Count);
        Assert.Contains(read.Problems, p => p.Contains("cluster 2 has no numeric size"));
        Assert.Contains(read.Problems, p => p.Contains("cluster 0 has size 4 but lists no item"));
        Assert.Contains(read.Problems, p => p.Contains("cluster 2 has no title"));
        Assert.Equal(2, read.Problems.Count(p => p.Contains("no numeric cluster_id")));  // the one without an id, and the 5

        var items = await reader.ReadItemsAsync(ClusterRunId.Parse("1_trace_20260303_100000"), [2], null, CancellationToken.None);
        Assert.Equal(["b", "a"], items.Select(i => i.ItemId));
    }

    [Fact]
    public async Task Evaluation_and_sentiment_metrics_are_read()
    {
        var clusters = new object[]
        {
            new Dictionary<string, object?>
            {
                ["cluster_id"] = 0, ["size"] = 2, ["title"] = "Judged", ["traces"] = new { e1 = new { rank = 0 }, e2 = new { rank = 1 } },
                ["metrics"] = new Dictionary<string, object?>
                {
                    ["item_count"] = 2, ["pass_rate"] = 0.5, ["na_rate"] = "0.25", ["dominant_evaluation_name"] = "helpfulness", ["dominant_runtime"] = "llm_judge", ["avg_judge_cost"] = 0.0004,
                    ["sentiment"] = new { label = "negative", score = -0.6, counts = new { negative = 2 } },
                },
            },
        };
        var reader = await ReaderWith(("1_evaluation_20260305_100000", clusters));

        var cluster = Assert.Single((await reader.ReadClustersAsync(ClusterRunId.Parse("1_evaluation_20260305_100000"), CancellationToken.None)).Clusters);

        Assert.Equal(MetricsSource.Run, cluster.MetricsSource);
        Assert.Equal(0.5, cluster.PassRate);
        Assert.Equal(0.25, cluster.NaRate);
        Assert.Equal("helpfulness", cluster.DominantEvaluationName);
        Assert.Equal("llm_judge", cluster.DominantRuntime);
        Assert.Equal(0.0004, cluster.AvgJudgeCost);
        Assert.Equal("negative", cluster.SentimentLabel);
        Assert.Equal(-0.6, cluster.SentimentScore);
        Assert.Equal(ClusterLevel.evaluation, cluster.Level);
    }

    [Fact]
    public async Task A_run_with_no_clusters_has_none()
    {
        var reader = await ReaderWith(("1_trace_20260304_100000", Array.Empty<object>()));
        var read = await reader.ReadClustersAsync(ClusterRunId.Parse("1_trace_20260304_100000"), CancellationToken.None);
        Assert.Empty(read.Clusters);
        Assert.Empty(read.Problems);
        Assert.Equal(0, read.Run.ClusterCount);
    }

    [Fact]
    public async Task A_run_written_just_after_midnight_is_still_found_from_its_id()
    {
        // The id carries the window end (23:58); the event lands on the next UTC day.
        var reader = await ReaderWith(("1_trace_20260305_235800", Array.Empty<object>()));
        var read = await reader.ReadClustersAsync(ClusterRunId.Parse("1_trace_20260305_235800"), CancellationToken.None);
        Assert.Equal("1_trace_20260305_235800", read.Run.RunId);
    }
}
