using System.Runtime.CompilerServices;
using LlmClusters.Core.Clustering;

namespace LlmClusters.Infrastructure;

/// <summary>
/// One embedding model per session: loading MiniLM takes about a second, so it is loaded on first use and kept until
/// the module is removed. The embedder assembly (and ONNX Runtime) come from deps/, through the module's load context.
/// </summary>
internal static class EmbedderCache
{
    private static readonly object Gate = new();
    private static ITextEmbedder? _embedder;

    public static ITextEmbedder Get()
    {
        lock (Gate) return _embedder ??= Load();
    }

    public static void Release()
    {
        lock (Gate)
        {
            _embedder?.Dispose();
            _embedder = null;
        }
    }

    // Typed as the interface and never inlined, so that the embedder's assembly (and ONNX Runtime) loads only here.
    [MethodImpl(MethodImplOptions.NoInlining)]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Performance", "CA1859", Justification = "The interface keeps the embedder's assembly out of the caller's JIT.")]
    private static ITextEmbedder Load() => new Embeddings.MiniLMEmbedder();
}
