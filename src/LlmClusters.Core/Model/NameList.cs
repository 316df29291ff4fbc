using System.Collections.ObjectModel;

namespace LlmClusters.Core.Model;

/// <summary>A list of names (models, for one) that reads as "a, b" in text, so Export-Csv writes a useful column.</summary>
public sealed class NameList(IList<string> names) : ReadOnlyCollection<string>(names)
{
    public static new NameList Empty { get; } = new([]);

    public override string ToString() => string.Join(", ", this);
}
