namespace LlmClusters.Core.Queries;

/// <summary>Turns PowerShell wildcards (* and ?) into a LIKE pattern, escaping LIKE's own special characters.</summary>
public static class LikePattern
{
    public static string FromWildcard(string wildcard)
    {
        var builder = new System.Text.StringBuilder(wildcard.Length + 4);
        foreach (var c in wildcard)
        {
            builder.Append(c switch
            {
                '*' => "%",
                '?' => "_",
                '%' => "\\%",
                '_' => "\\_",
                '\\' => "\\\\",
                _ => c.ToString(),
            });
        }
        return builder.ToString();
    }
}
