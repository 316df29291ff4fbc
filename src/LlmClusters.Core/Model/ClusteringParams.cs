using System.Text.Json;

namespace LlmClusters.Core.Model;

/// <summary>The algorithm settings a run used ($ai_clustering_params); absent on old runs.</summary>
public sealed record ClusteringParams
{
    public string? ClusteringMethod { get; init; }
    public string? EmbeddingNormalization { get; init; }
    public string? DimensionalityReductionMethod { get; init; }
    public int? DimensionalityReductionNdims { get; init; }
    public string? VisualizationMethod { get; init; }
    public int? MaxSamples { get; init; }

    /// <summary>The embedding model, on runs made by Invoke-LlmClustering (PostHog's runs do not say).</summary>
    public string? EmbeddingModel { get; init; }

    /// <summary>The random seed, on runs made by Invoke-LlmClustering.</summary>
    public int? Seed { get; init; }

    /// <summary>
    /// HDBSCAN's largest cluster as a share of the items (clustering_method_params.max_cluster_size_fraction), on runs
    /// since PostHog began to cap clusters; null when the run records none.
    /// </summary>
    public double? MaxClusterSizeFraction { get; init; }

    /// <summary>The method's own settings (min_cluster_size, k, ...), as JSON.</summary>
    public string? ClusteringMethodParams { get; init; }

    /// <summary>The whole object as stored.</summary>
    public string Json { get; init; } = "{}";

    public override string ToString() => Json;

    public static ClusteringParams? FromJson(string? json)
    {
        if (string.IsNullOrWhiteSpace(json) || json == "null") return null;
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return null;
            return new ClusteringParams
            {
                ClusteringMethod = Text(root, "clustering_method"),
                EmbeddingNormalization = Text(root, "embedding_normalization"),
                DimensionalityReductionMethod = Text(root, "dimensionality_reduction_method"),
                DimensionalityReductionNdims = Number(root, "dimensionality_reduction_ndims"),
                VisualizationMethod = Text(root, "visualization_method"),
                MaxSamples = Number(root, "max_samples"),
                EmbeddingModel = Text(root, "embedding_model"),
                Seed = Number(root, "seed"),
                ClusteringMethodParams = root.TryGetProperty("clustering_method_params", out var p) && p.ValueKind == JsonValueKind.Object ? p.GetRawText() : null,
                MaxClusterSizeFraction = (p.ValueKind == JsonValueKind.Object ? Fraction(p, "max_cluster_size_fraction") : null) ?? Fraction(root, "max_cluster_size_fraction"),
                Json = json,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    // A share between 0 and 1, as a JSON number or its text; anything else is none.
    private static double? Fraction(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.Number ? v.GetDouble()
            : v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed
            : double.NaN) is var f && f is > 0 and <= 1 ? f : null;

    private static int? Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : null;
}
