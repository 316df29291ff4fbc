using System.Text.Json;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests;

/// <summary>Writes hand-made events into a fresh table, for fixtures whose expected answers are worked out by hand.</summary>
public sealed class EventWriter(EmbeddedSource source)
{
    private readonly List<string> _rows = [];

    public EmbeddedSource Source => source;

    public EventWriter Add(string eventName, DateTime timestamp, object properties, Guid? uuid = null, long teamId = 1)
    {
        _rows.Add(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["uuid"] = uuid ?? Guid.NewGuid(),
            ["event"] = eventName,
            ["properties"] = properties as string ?? JsonSerializer.Serialize(properties),
            ["timestamp"] = timestamp.ToString("yyyy-MM-dd HH:mm:ss.ffffff"),
            ["team_id"] = teamId,
            ["distinct_id"] = "fixture",
        }));
        return this;
    }

    /// <summary>A clustering-run event whose clusters hold the given item keys.</summary>
    public EventWriter AddRun(string runId, string level, DateTime windowStart, DateTime windowEnd, params (int ClusterId, string[] Items)[] clusters) =>
        AddRun(runId, level, windowStart, windowEnd, clusters.Select(c => (c.ClusterId, c.ClusterId == -1 ? "Outliers" : $"Fixture cluster {c.ClusterId}", c.Items)).ToArray());

    /// <summary>A clustering-run event whose clusters have the given titles and item keys.</summary>
    public EventWriter AddRun(string runId, string level, DateTime windowStart, DateTime windowEnd, params (int ClusterId, string Title, string[] Items)[] clusters)
    {
        var payload = clusters.Select(c => new Dictionary<string, object?>
        {
            ["cluster_id"] = c.ClusterId,
            ["size"] = c.Items.Length,
            ["title"] = c.Title,
            ["description"] = "Traffic about " + c.Title.ToLowerInvariant(),
            ["traces"] = c.Items.Select((item, rank) => (item, rank)).ToDictionary(x => x.item, x => (object)new { rank = x.rank, distance_to_centroid = 0.1 * x.rank }),
        }).ToList();
        return Add(level == "generation" ? "$ai_generation_clusters" : "$ai_trace_clusters", windowEnd.AddMinutes(2), new Dictionary<string, object?>
        {
            ["$ai_clustering_run_id"] = runId,
            ["$ai_clustering_level"] = level,
            ["$ai_window_start"] = windowStart.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["$ai_window_end"] = windowEnd.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["$ai_total_items_analyzed"] = clusters.Sum(c => c.Items.Length),
            ["$ai_clusters"] = payload,
        });
    }

    public async Task<EmbeddedSource> WriteAsync()
    {
        var runner = new QueryRunner(source);
        await runner.EnsureEventsTableAsync(CancellationToken.None);
        await runner.InsertJsonRowsAsync(_rows, CancellationToken.None);
        return source;
    }
}
