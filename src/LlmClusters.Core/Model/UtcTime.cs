using System.Globalization;

namespace LlmClusters.Core.Model;

/// <summary>
/// The module works in UTC, and this is the one place that makes a time UTC. A time that says its zone (Get-Date, a
/// time with Z or an offset) is converted; one that does not ([datetime]'2026-03-01', a time read back from CSV, where
/// Export-Csv leaves the zone out, a time parsed from a run id) is read as UTC, the zone of every time the module
/// writes, so that exported items find their traces again on any machine.
/// </summary>
public static class UtcTime
{
    public static DateTime From(DateTime value) =>
        value.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(value, DateTimeKind.Utc) : value.ToUniversalTime();

    /// <summary>A time written as text (ISO-8601 or ClickHouse's form), UTC when it names no zone.</summary>
    public static bool TryParse(string? text, out DateTime value)
    {
        var parsed = DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out value);
        value = From(value);
        return parsed;
    }

    /// <inheritdoc cref="TryParse"/>
    public static DateTime Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not a time.");
}
