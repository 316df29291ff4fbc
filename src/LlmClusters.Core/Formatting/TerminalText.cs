using System.Globalization;
using System.Text;

namespace LlmClusters.Core.Formatting;

/// <summary>
/// Text from the data (titles, prompts, model names: written by LLMs and by users) on its way to a terminal. Control
/// characters there would be obeyed, not shown: ESC and the C1 controls start sequences that clear the screen, set
/// the window title or rewrite what was printed, and a carriage return alone writes over the line. They are shown
/// escaped (\x1b); tabs and line breaks are left to the layout. The objects themselves keep the original text.
/// </summary>
public static class TerminalText
{
    public static string? Escape(string? text)
    {
        if (text is null) return null;
        var at = 0;
        while (at < text.Length && !IsControl(text, at)) at++;
        if (at == text.Length) return text;
        var builder = new StringBuilder(text.Length + 8).Append(text, 0, at);
        for (var i = at; i < text.Length; i++)
        {
            if (IsControl(text, i)) builder.Append("\\x").Append(((int)text[i]).ToString("x2", CultureInfo.InvariantCulture));
            else builder.Append(text[i]);
        }
        return builder.ToString();
    }

    private static bool IsControl(string text, int i) => text[i] switch
    {
        '\t' or '\n' => false,
        '\r' => i + 1 >= text.Length || text[i + 1] != '\n',
        var c => c < ' ' || c == '\x7f' || c is >= '\x80' and <= '\x9f',
    };
}
