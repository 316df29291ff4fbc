namespace LlmClusters.Core.Clustering;

/// <summary>Turns texts into unit-length vectors on this machine, the same vectors for the same texts.</summary>
public interface ITextEmbedder : IDisposable
{
    /// <summary>The model's name, as written into a run's parameters.</summary>
    string ModelName { get; }

    float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
