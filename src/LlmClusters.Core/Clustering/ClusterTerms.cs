using System.Text.RegularExpressions;

namespace LlmClusters.Core.Clustering;

/// <summary>
/// The words that set each cluster apart, by class-based TF-IDF (the weighting BERTopic uses to name topics): a
/// word's frequency within the cluster times log(1 + A / f), where A is the mean number of words per cluster and f
/// the word's frequency over all clusters. A word counts once per item, so a title names what most of a cluster's
/// items share rather than what one long item repeats. Titles without an LLM.
/// </summary>
public static partial class ClusterTerms
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "and", "for", "are", "but", "not", "you", "your", "all", "any", "can", "had", "her", "was", "one", "our", "out", "has",
        "have", "him", "his", "how", "its", "may", "new", "now", "own", "she", "too", "use", "way", "who", "did", "get", "got", "let",
        "put", "say", "see", "set", "via", "yes", "with", "this", "that", "from", "they", "them", "then", "than", "there", "their",
        "what", "when", "where", "which", "while", "will", "would", "could", "should", "into", "onto", "about", "after", "before",
        "over", "under", "also", "just", "only", "some", "such", "very", "each", "most", "more", "much", "many", "other", "been",
        "being", "were", "does", "done", "here", "why", "these", "those", "please", "user", "assistant", "answer", "system", "null",
    };

    /// <summary>For each cluster (noise, -1, left out), its most distinctive words, best first.</summary>
    public static IReadOnlyDictionary<int, IReadOnlyList<string>> Distinctive(IReadOnlyList<string> texts, IReadOnlyList<int> labels, int top = 3)
    {
        var counts = new Dictionary<int, Dictionary<string, int>>();
        for (var i = 0; i < texts.Count; i++)
        {
            if (labels[i] < 0) continue;
            if (!counts.TryGetValue(labels[i], out var words)) counts[labels[i]] = words = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var word in Words(texts[i]).Distinct()) words[word] = words.GetValueOrDefault(word) + 1;
        }
        if (counts.Count == 0) return new Dictionary<int, IReadOnlyList<string>>();

        var overall = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var words in counts.Values)
            foreach (var (word, count) in words) overall[word] = overall.GetValueOrDefault(word) + count;
        var meanWords = counts.Values.Average(w => (double)w.Values.Sum());

        return counts.ToDictionary(c => c.Key, c =>
        {
            var total = Math.Max(1, c.Value.Values.Sum());
            return (IReadOnlyList<string>)c.Value
                .Select(w => (Word: w.Key, Score: (double)w.Value / total * Math.Log(1 + meanWords / overall[w.Key])))
                .OrderByDescending(w => w.Score).ThenBy(w => w.Word, StringComparer.Ordinal)
                .Take(top).Select(w => w.Word).ToList();
        });
    }

    /// <summary>Lower-cased words of three or more characters (letters first, then letters, digits, '-' or '_'), stop words left out.</summary>
    public static IEnumerable<string> Words(string text) =>
        Word().Matches(text).Select(m => m.Value.ToLowerInvariant()).Where(w => w.Length >= 3 && !StopWords.Contains(w));

    [GeneratedRegex(@"\p{L}[\p{L}\p{N}_\-]*[\p{L}\p{N}]")]
    private static partial Regex Word();
}
