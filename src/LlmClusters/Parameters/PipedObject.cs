using System.Management.Automation;

namespace LlmClusters.Parameters;

/// <summary>What a piped object holds: its text, or one of its properties, as the module's objects and their copies read back from files have them.</summary>
internal static class PipedObject
{
    /// <summary>The piped object's text when it is a string (an id typed or read from a file), else null.</summary>
    public static string? Text(PSObject? input) => input?.BaseObject as string;

    /// <summary>The value of one of the piped object's properties, or null.</summary>
    public static object? Property(PSObject? input, string name) => input?.Properties[name]?.Value is { } value
        ? value is PSObject wrapped ? wrapped.BaseObject : value
        : null;

    /// <summary>A whole-number property, also when it is text (a row of Import-Csv), or null.</summary>
    public static int? Integer(PSObject? input, string name) => Property(input, name) switch
    {
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        string s when int.TryParse(s, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };
}
