using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;
using LlmClusters.Core.Model;
using LlmClusters.Parameters;

namespace LlmClusters.Infrastructure;

/// <summary>
/// Traces as they come down the pipeline: the module's own, or copies read back from a file (Import-Clixml keeps every
/// property, ConvertFrom-Json nearly all, Import-Csv the totals), made traces again so that a saved post-mortem renders
/// offline, with its events where the copy holds them and read like a listing's where it does not.
/// </summary>
internal static class PipedTrace
{
    /// <summary>The trace the object is or was, or null when it is something else (a trace has a TraceId, an EventCount and a UiUrl).</summary>
    public static LlmTrace? From(PSObject input)
    {
        if (input.BaseObject is LlmTrace trace) return trace;
        if (PipedObject.Property(input, nameof(LlmTrace.TraceId)) is not { } id || string.IsNullOrWhiteSpace(id.ToString())
            || PipedObject.Property(input, nameof(LlmTrace.EventCount)) is null || PipedObject.Property(input, nameof(LlmTrace.UiUrl)) is null)
            return null;
        return Copy<LlmTrace>(input);
    }

    // Written by hand: PowerShell converts a copy's properties one by one (LanguagePrimitives) but not a whole object
    // into a record whose collections are the module's own types.
    private static T Copy<T>(PSObject input) where T : class
    {
        var copy = Activator.CreateInstance<T>();
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            if (PipedObject.Property(input, property.Name) is not { } value) continue;
            object? converted = property.PropertyType switch
            {
                var t when t == typeof(NameList) => new NameList(Items(value).Select(i => i?.ToString() ?? "").Where(n => n.Length > 0).ToList()),
                var t when t == typeof(TraceEventList) => new TraceEventList(Items(value).OfType<PSObject>().Select(Copy<TraceEvent>).ToList()),
                // A copy's summary is an object of its own, whose properties live on its PSObject.
                var t when t == typeof(TraceSummary) => value as TraceSummary ?? (input.Properties[property.Name]?.Value is PSObject { BaseObject: PSCustomObject } summary ? Copy<TraceSummary>(summary) : null),
                var t when t == typeof(IReadOnlyList<string>) => Items(value).Select(i => i?.ToString() ?? "").Where(n => n.Length > 0).ToList(),
                var t => LanguagePrimitives.TryConvertTo(value, t, CultureInfo.InvariantCulture, out var result) ? result : null,
            };
            if (converted is not null) property.SetValue(copy, converted);
        }
        return copy;
    }

    /// <summary>A collection's items; text is one item (a CSV cell), except a model list written as "a, b".</summary>
    private static IEnumerable<object?> Items(object value) => value switch
    {
        string text => text.Split(", ", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        IEnumerable items => items.Cast<object?>().Select(i => i is PSObject { BaseObject: string s } ? s : i),
        _ => [value],
    };
}
