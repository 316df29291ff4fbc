using System.Collections;
using System.Management.Automation;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Runs ClickHouse SQL on the connection; each row comes out as an object with typed properties.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "LlmQuery")]
[OutputType(typeof(PSObject))]
public sealed class InvokeLlmQueryCommand : LlmClustersCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    [Alias("Query")]
    public string Sql { get; set; } = string.Empty;

    /// <summary>Values for the statement's {name:Type} placeholders; they are bound, never pasted into the SQL.</summary>
    [Parameter(Position = 1)]
    [Alias("Parameters")]
    public Hashtable? Parameter { get; set; }

    [Parameter]
    public LlmAnalyticsConnection? Connection { get; set; }

    // PowerShell wraps values (and array items) in PSObject; the formatter needs the values themselves, times in UTC.
    private static object? Unwrap(object? value) => value switch
    {
        PSObject wrapped => Unwrap(wrapped.BaseObject),
        DateTime time => ToUtc(time),
        object[] items => items.Select(Unwrap).ToArray(),
        _ => value,
    };

    protected override void ProcessRecord()
    {
        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Parameter is not null)
            foreach (DictionaryEntry entry in Parameter)
                parameters[entry.Key.ToString()!] = Unwrap(entry.Value);

        var runner = Runner(Connection);
        var result = Await(token => runner.QueryAsync(new SqlQuery("InvokeLlmQuery", Sql, parameters), token), Sql);
        foreach (var row in result.Rows)
        {
            var item = new PSObject();
            for (var i = 0; i < result.Columns.Count; i++) item.Properties.Add(new PSNoteProperty(result.Columns[i].Name, row[i]));
            WriteObject(item);
        }
    }
}
