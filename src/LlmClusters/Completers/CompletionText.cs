using System.Management.Automation.Language;

namespace LlmClusters.Completers;

/// <summary>What completers share: how long they may take, and quoting as PowerShell needs it.</summary>
internal static class CompletionText
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public static string Unquote(string word) => word.Trim().Trim('\'', '"');

    /// <summary>Quotes a value only when PowerShell would not read it as one bare word.</summary>
    public static string Quote(string value) =>
        value.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '.') ? value : "'" + CodeGeneration.EscapeSingleQuotedStringContent(value) + "'";
}
