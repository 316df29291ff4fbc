using System.Management.Automation;

namespace LlmClusters.Infrastructure;

/// <summary>
/// What a cmdlet makes of the objects piped to it. PowerShell turns any object into a string to bind a string parameter
/// by value, so a cluster piped where a trace id is expected would be read as the id "3: Travel planning"; cmdlets
/// therefore bind ids by property name only and take the piped object itself as well, to tell a real id (a string)
/// from an object that does not fit. Those are counted and reported once per type at the end, with the way to get there.
/// </summary>
internal sealed class PipelineInput(string cmdlet, string accepts)
{
    private readonly Dictionary<string, int> _refused = new(StringComparer.Ordinal);

    /// <summary>The piped objects that are <typeparamref name="T"/>; the others are refused (see <see cref="Errors"/>).</summary>
    public IEnumerable<T> Take<T>(IEnumerable<PSObject?> inputs)
    {
        foreach (var input in inputs)
        {
            if (input?.BaseObject is T wanted) yield return wanted;
            else if (input is not null) Refuse(input);
        }
    }

    /// <summary>Notes an object the cmdlet cannot use; nothing is written until <see cref="Errors"/>.</summary>
    public void Refuse(PSObject input) =>
        _refused[TypeName(input)] = _refused.GetValueOrDefault(TypeName(input)) + 1;

    /// <summary>One error record per type of object that could not be used, saying what the cmdlet takes instead.</summary>
    public IEnumerable<ErrorRecord> Errors(string hint) => _refused.Select(r =>
        ErrorMapper.Refusal(ErrorKinds.PipelineInputNotUsable, r.Key,
            $"{cmdlet} cannot use {Describe(r.Key, r.Value)}: it takes {accepts}. {hint}"));

    private const string Custom = "";

    private static string Describe(string type, int count) => (type, count) switch
    {
        (Custom, 1) => "a piped object that has none of the properties it needs",
        (Custom, _) => $"{count} piped objects that have none of the properties it needs",
        (_, 1) => $"a piped {type}",
        _ => $"the {count} piped {type} objects",
    };

    private static string TypeName(PSObject input) => input.BaseObject switch
    {
        PSCustomObject => Custom,
        var o => o.GetType().Name,
    };
}
