using System.Management.Automation;
using LlmClusters.Core.Import;
using LlmClusters.Core.Model;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Imports PostHog batch-export files (JSON Lines, gzipped or not, Parquet) into the embedded store, once.</summary>
[Cmdlet(VerbsData.Import, "LlmEvent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(ImportResult))]
public sealed class ImportLlmEventCommand : LlmClustersCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter]
    public LlmAnalyticsConnection? Connection { get; set; }

    private readonly List<string> _files = [];

    protected override void ProcessRecord()
    {
        foreach (var pattern in Path)
        {
            try
            {
                _files.AddRange(GetResolvedProviderPathFromPSPath(pattern, out _));
            }
            catch (ItemNotFoundException e)
            {
                WriteError(ErrorMapper.Record(e, "FileNotFound", ErrorCategory.ObjectNotFound, pattern, $"No file matches '{pattern}'. Check the path."));
            }
        }
    }

    protected override void EndProcessing()
    {
        var connection = Connection ?? ConnectionRegistry.CurrentOrDefault();
        var importer = new EventImporter(connection.CreateRunner(QueryObserver()));
        var files = _files.Distinct(StringComparer.Ordinal).ToList();
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            if (!ShouldProcess($"{connection.Table} at {connection.Location}", $"Import the events of {file}")) continue;
            WriteProgress(new ProgressRecord(1, "Importing LLM events", file) { PercentComplete = i * 100 / files.Count });
            if (TryAwait(token => importer.ImportAsync(file, token), file, out var result)) WriteObject(result);
        }
        WriteProgress(new ProgressRecord(1, "Importing LLM events", "Done") { RecordType = ProgressRecordType.Completed });
    }
}
