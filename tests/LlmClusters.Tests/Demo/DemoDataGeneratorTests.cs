using LlmClusters.Core.Model;
using System.Text.Json;
using System.Text.RegularExpressions;
using LlmClusters.Core.Demo;

namespace LlmClusters.Tests.Demo;

public sealed class DemoDataGeneratorTests
{
    private static readonly DateTime End = new(2026, 3, 28, 12, 0, 0, DateTimeKind.Utc);
    private static readonly DemoData Data = DemoDataGenerator.Generate(new DemoDataOptions { Seed = 7, TraceCount = 3000, End = End });

    private static JsonElement Properties(DemoClusterRun run) =>
        JsonDocument.Parse(JsonDocument.Parse(run.Event.JsonRow).RootElement.GetProperty("properties").GetString()!).RootElement;

    [Fact]
    public void Same_seed_gives_the_same_events_and_another_seed_does_not()
    {
        var again = DemoDataGenerator.Generate(new DemoDataOptions { Seed = 7, TraceCount = 3000, End = End });
        var other = DemoDataGenerator.Generate(new DemoDataOptions { Seed = 8, TraceCount = 3000, End = End });

        Assert.Equal(Data.Events().Select(e => e.JsonRow), again.Events().Select(e => e.JsonRow));
        Assert.NotEqual(Data.Events().Select(e => e.JsonRow).Take(50), other.Events().Select(e => e.JsonRow).Take(50));
    }

    [Fact]
    public void Every_cluster_item_exists_in_its_run_window()
    {
        var traces = Data.Traces.ToDictionary(t => t.TraceId);
        var generations = Data.Traces.SelectMany(t => t.Events).Where(e => e.Event == "$ai_generation").ToDictionary(e => e.Uuid.ToString("D"));
        var evaluations = Data.Traces.SelectMany(t => t.Evaluations).ToDictionary(e => e.Uuid.ToString("D"));
        foreach (var run in Data.Runs)
        {
            foreach (var key in run.Clusters.SelectMany(c => c.ItemKeys))
            {
                var at = run.Level switch
                {
                    ClusterLevel.generation => generations[key].Timestamp,
                    ClusterLevel.evaluation => evaluations[key].Timestamp,
                    _ => traces[key].Start,
                };
                Assert.InRange(at, run.WindowStart, run.WindowEnd.AddTicks(-1));
            }
        }
    }

    [Fact]
    public void Runs_cover_every_shape_in_posthogs_data()
    {
        Assert.True(Data.Runs.Select(r => r.WindowEnd.Date).Distinct().Count() >= 3);
        Assert.Contains(Data.Runs, r => r.Level == ClusterLevel.trace && !r.IsLegacy);
        Assert.Contains(Data.Runs, r => r.Level == ClusterLevel.generation && r.Event.Event == "$ai_generation_clusters");
        Assert.Contains(Data.Runs, r => r.HasMetrics);
        Assert.Contains(Data.Runs, r => !r.HasMetrics);

        var legacy = Assert.Single(Data.Runs, r => r.IsLegacy);
        Assert.Matches(new Regex(@"^1_\d{8}_\d{6}$"), legacy.RunId);
        var legacyProperties = Properties(legacy);
        Assert.False(legacyProperties.TryGetProperty("$ai_clustering_level", out _));
        Assert.False(legacyProperties.TryGetProperty("$ai_total_items_analyzed", out _));
        Assert.True(legacyProperties.GetProperty("$ai_total_traces_analyzed").GetInt32() > 0);

        var withJob = Data.Runs.Where(r => !r.IsLegacy).Select(Properties).ToList();
        Assert.Contains(withJob, p => p.GetProperty("$ai_clustering_job_name").GetString() == "Default - traces" && p.GetProperty("$ai_clustering_job_id").GetString()!.Length == 36);
        Assert.Contains(withJob, p => p.GetProperty("$ai_clustering_job_id").GetString() == "" && p.GetProperty("$ai_clustering_job_name").GetString() == "");

        var titles = Data.Runs.Select(Properties).SelectMany(p => p.GetProperty("$ai_clusters").EnumerateArray()).Select(c => c.GetProperty("title").GetString()!).ToList();
        Assert.Contains(titles, t => t.Contains('"'));
        Assert.Contains(titles, t => t.Any(ch => ch > 127));
        Assert.Contains(titles, t => t == "Outliers");

        var noise = Data.Runs.SelectMany(r => r.Clusters).Where(c => c.ClusterId == -1).ToList();
        Assert.NotEmpty(noise);
        Assert.All(Data.Runs, r => Assert.True(r.Clusters.Count(c => c.ClusterId == -1) <= 1 && (r.Clusters[^1].ClusterId == -1 || r.Clusters.All(c => c.ClusterId >= 0))));
    }

    [Fact]
    public void About_five_percent_of_traces_fail_mostly_in_two_kinds()
    {
        var failed = Data.Traces.Where(t => t.Events[0].IsError).ToList();
        var rate = (double)failed.Count / Data.Traces.Count;
        Assert.InRange(rate, 0.03, 0.08);
        var byKind = Data.Traces.GroupBy(t => t.Kind.Key).ToDictionary(g => g.Key, g => (double)g.Count(t => t.Events[0].IsError) / g.Count());
        Assert.True(byKind["auth"] > 2 * rate);
        Assert.True(byKind["travel-agent"] > 2 * rate);
        Assert.True(byKind["code-review"] < rate);
    }

    [Fact]
    public void Traffic_has_several_models_and_providers_and_every_value_form()
    {
        var generations = Data.Traces.SelectMany(t => t.Events).Where(e => e.Event == "$ai_generation").ToList();
        Assert.True(generations.Select(e => e.Model).Distinct().Count() >= 5);
        var rows = string.Join("\n", generations.Take(2000).Select(e => e.JsonRow));
        Assert.Contains("\\\"$ai_is_error\\\":\\\"true\\\"", rows.Replace(" ", ""), StringComparison.Ordinal);
        Assert.Matches(new Regex(@"\\""\$ai_total_cost_usd\\"":\\""[0-9.E-]+\\"""), rows);
        Assert.Contains("\\\"$ai_total_cost_usd\\\":null", rows, StringComparison.Ordinal);
        Assert.Contains("\\\"type\\\":\\\"text\\\"", rows, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_timestamps_are_after_their_windows_and_before_now()
    {
        var recent = DemoDataGenerator.Generate(new DemoDataOptions { TraceCount = 300 });
        Assert.All(recent.Runs, r => Assert.True(r.Event.Timestamp > r.WindowEnd && r.Event.Timestamp <= DateTime.UtcNow));
    }
}
