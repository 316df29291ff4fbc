using System.Text.Json;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Clusters;

/// <summary>Writes a clustering run as PostHog writes it: the $ai_*_clusters event's properties and its events-table row.</summary>
public static class RunEventWriter
{
    public static string Row(RunEventDraft run, Guid uuid, DateTime timestamp, long teamId) =>
        EventJson.Row(uuid, ClusterQueries.EventForLevel(run.Level), Properties(run), timestamp, teamId, $"clustering_{run.Level}_{teamId}");

    public static string Properties(RunEventDraft run) => EventJson.Properties(w =>
    {
        w.WriteString("$ai_clustering_run_id", run.RunId);
        if (!run.Legacy)
        {
            w.WriteString("$ai_clustering_level", run.Level.ToString());
            w.WriteString("$ai_clustering_job_id", run.JobId ?? "");
            w.WriteString("$ai_clustering_job_name", run.JobName ?? "");
        }
        w.WriteString("$ai_window_start", EventJson.Iso(run.WindowStart, run.Legacy));
        w.WriteString("$ai_window_end", EventJson.Iso(run.WindowEnd, run.Legacy));
        w.WriteNumber(run.Legacy ? "$ai_total_traces_analyzed" : "$ai_total_items_analyzed", run.TotalItems);
        w.WriteStartArray("$ai_clusters");
        foreach (var cluster in run.Clusters) WriteCluster(w, cluster, run.Legacy);
        w.WriteEndArray();
        if (run is { Legacy: false, WriteParams: { } writeParams })
        {
            w.WriteStartObject("$ai_clustering_params");
            writeParams(w);
            w.WriteEndObject();
        }
    });

    private static void WriteCluster(Utf8JsonWriter w, RunEventCluster cluster, bool legacy)
    {
        w.WriteStartObject();
        w.WriteNumber("cluster_id", cluster.ClusterId);
        w.WriteNumber("size", cluster.Items.Count);
        w.WriteString("title", cluster.Title);
        w.WriteString("description", cluster.Description);
        w.WriteStartObject("traces");
        foreach (var item in cluster.Items)
        {
            w.WriteStartObject(item.Key);
            w.WriteNumber("distance_to_centroid", item.DistanceToCentroid);
            w.WriteNumber("rank", item.Rank);
            w.WriteNumber("x", item.X);
            w.WriteNumber("y", item.Y);
            w.WriteString("timestamp", EventJson.Iso(item.Timestamp, legacy));
            if (!legacy)
            {
                w.WriteString("trace_id", item.TraceId);
                if (item.GenerationId is null) w.WriteNull("generation_id");
                else w.WriteString("generation_id", item.GenerationId);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
        w.WriteStartArray("centroid");
        foreach (var value in cluster.Centroid) w.WriteNumberValue(value);
        w.WriteEndArray();
        w.WriteNumber("centroid_x", cluster.CentroidX);
        w.WriteNumber("centroid_y", cluster.CentroidY);
        if (cluster.Metrics is { } m) WriteMetrics(w, m);
        else if (cluster.MetricsAsNull) w.WriteNull("metrics");
        w.WriteEndObject();
    }

    private static void WriteMetrics(Utf8JsonWriter w, RunEventMetrics m)
    {
        w.WriteStartObject("metrics");
        Number(w, "avg_cost", m.AvgCost);
        Number(w, "avg_latency", m.AvgLatency);
        Number(w, "avg_tokens", m.AvgTokens);
        Number(w, "total_cost", m.TotalCost);
        if (m.ErrorRate is { } rate) w.WriteNumber("error_rate", Math.Round(rate, 6));
        else w.WriteNull("error_rate");
        w.WriteNumber("error_count", m.ErrorCount);
        w.WriteNumber("item_count", m.ItemCount);
        if (m.Verdicts is { } v)
        {
            Number(w, "pass_rate", v.PassRate);
            Number(w, "na_rate", v.NaRate);
            Text(w, "dominant_evaluation_name", v.DominantEvaluationName);
            Text(w, "dominant_runtime", v.DominantRuntime);
            Number(w, "avg_judge_cost", v.AvgJudgeCost);
        }
        w.WriteEndObject();
    }

    private static void Text(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null) w.WriteNull(name);
        else w.WriteString(name, value);
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v)) w.WriteNumber(name, Math.Round(v, 8));
        else w.WriteNull(name);
    }
}
