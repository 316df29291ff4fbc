using System.Text;

namespace LlmClusters.Core.Comparison;

/// <summary>
/// How alike two titles or descriptions read: the Dice coefficient of their character trigrams, over lower-cased
/// letters and digits. Trigrams forgive reordered words and small rewordings ("Billing &amp; refunds" and "Refunds and
/// billing"), which LLM-written titles are full of. Written here because it is a few lines; no served package has it.
/// </summary>
public static class TextSimilarity
{
    public static double Of(string? a, string? b)
    {
        var x = Trigrams(a);
        var y = Trigrams(b);
        if (x.Count == 0 || y.Count == 0) return 0;
        var shared = x.Count(y.Contains);
        return 2.0 * shared / (x.Count + y.Count);
    }

    private static HashSet<string> Trigrams(string? text)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(text)) return set;
        var words = new StringBuilder();
        foreach (var c in text.ToLowerInvariant()) words.Append(char.IsLetterOrDigit(c) ? c : ' ');
        foreach (var word in words.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var padded = "  " + word + " ";
            for (var i = 0; i + 3 <= padded.Length; i++) set.Add(padded.Substring(i, 3));
        }
        return set;
    }
}
