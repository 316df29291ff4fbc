using System.Collections;
using System.Management.Automation;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Runs ClickHouse SQL on the connection; each row comes out as an object with typed properties.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "LlmQuery", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(PSObject))]
public sealed class InvokeLlmQueryCommand : ConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    [ValidateNotNullOrEmpty]
    [Alias("Query")]
    public string Sql { get; set; } = string.Empty;

    /// <summary>Values for the statement's {name:Type} placeholders; they are bound, never pasted into the SQL.</summary>
    [Parameter(Position = 1)]
    [Alias("Parameters")]
    public Hashtable? Parameter { get; set; }

    /// <summary>How long this statement may run, instead of the connection's limit; 0 means no limit.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int? TimeoutSeconds { get; set; }

    // PowerShell wraps values (and array items) in PSObject; the formatter needs the values themselves, times in UTC.
    private static object? Unwrap(object? value) => value switch
    {
        PSObject wrapped => Unwrap(wrapped.BaseObject),
        DateTime time => UtcTime.From(time),
        object[] items => items.Select(Unwrap).ToArray(),
        _ => value,
    };

    protected override void ProcessRecord()
    {
        if (string.IsNullOrWhiteSpace(Sql))
        {
            WriteError(Refusal(ErrorKinds.EmptyStatement));
            return;
        }
        var runner = Runner();
        // PostHog reads HogQL with a parser of its own, and refuses there what it cannot run; a statement that is not a
        // query is marked as a write, which the source refuses as such.
        var writes = !UserStatement.IsHogQLQuery(Sql);
        if (!runner.Source.ChecksStatements && !Check(runner, out writes)) return;

        var parameters = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (Parameter is not null)
            foreach (DictionaryEntry entry in Parameter)
                parameters[entry.Key.ToString()!] = Unwrap(entry.Value);
        var query = new SqlQuery("InvokeLlmQuery", Sql, parameters) { TimeLimit = TimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null, Writes = writes };
        // Each row is written as it arrives: a result of millions of rows starts at once and is never held whole.
        TryAwaitEach(token => runner.StreamAsync(query, token), Sql, row =>
        {
            var item = new PSObject();
            var columns = row.Columns.Columns;
            for (var i = 0; i < columns.Count; i++) item.Properties.Add(new PSNoteProperty(columns[i].Name, row.Values[i]));
            WriteObject(item);
        });
    }

    /// <summary>One statement, without its own output format; one that writes runs only as -WhatIf and -Confirm allow.</summary>
    private bool Check(QueryRunner runner, out bool writes)
    {
        writes = false;
        if (!TryAwait(token => runner.SingleAsync(UserStatement.Normalize(Sql), token), Sql, out var statement, out var error))
        {
            if (error!.Exception is not AnalyticsQueryException q) WriteError(error);
            else if (UserStatement.Refusal(q) is { } id) WriteError(Refusal(id == "EmptyStatement" ? ErrorKinds.EmptyStatement : ErrorKinds.MultipleStatements));
            // Any other refusal (a syntax error) is left to the statement itself, whose error names its own text.
            else return true;
            return false;
        }
        if (statement.ChangesSession)
        {
            WriteError(ErrorMapper.Refusal(ErrorKinds.SessionStatementNotAllowed, Sql,
                "Invoke-LlmQuery does not run SET or USE: they would change the session that every later command shares. " +
                "Give a setting to one statement with its SETTINGS clause (SELECT ... SETTINGS max_threads = 2), and name other databases in the statement (db.table)."));
            return false;
        }
        if (statement.OutputFormat is { } format)
        {
            WriteError(ErrorMapper.Refusal(ErrorKinds.OutputFormatNotAllowed, Sql,
                $"Leave out FORMAT {format}: Invoke-LlmQuery returns the rows as objects. For text, pipe them to ConvertTo-Csv, ConvertTo-Json or Export-Csv."));
            return false;
        }
        writes = !statement.OnlyReads;
        return statement.OnlyReads || ShouldProcess(ActiveConnection.Location, $"Run the statement '{Shorten(statement.Normalized)}'");
    }

    private ErrorRecord Refusal(ErrorKind kind) => ErrorMapper.Refusal(kind, Sql, kind == ErrorKinds.EmptyStatement
        ? "The statement is empty (or only a comment). Pass the SQL to run."
        : "Invoke-LlmQuery runs one statement at a time: split the text at its semicolons and run each (for example with ForEach-Object).");

    private static string Shorten(string text) => text.Length <= 100 ? text : text[..97] + "...";
}
