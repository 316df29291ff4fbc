using System.Management.Automation;
using LlmClusters.Core.Import;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Imports PostHog batch-export files (JSON Lines, gzipped or not, Parquet) into the embedded store, once.</summary>
[Cmdlet(VerbsData.Import, "LlmEvent", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = PathSet)]
[OutputType(typeof(ImportResult))]
public sealed class ImportLlmEventCommand : ConnectedCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(ParameterSetName = PathSet, Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    /// <summary>Paths taken exactly as written: no wildcard characters are interpreted.</summary>
    [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "LP", "FullName")]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    /// <summary>Stamps events that name no team (PostHog's S3 batch export writes no team_id by default) with this team.</summary>
    [Parameter]
    [ValidateRange(0, long.MaxValue)]
    public long? TeamId { get; set; }

    /// <summary>Gives events without a uuid one made from their content, instead of refusing the file.</summary>
    [Parameter]
    public SwitchParameter DeriveMissingUuid { get; set; }

    private readonly List<string> _files = [];

    protected override void ProcessRecord()
    {
        if (ParameterSetName == LiteralPathSet)
        {
            foreach (var path in LiteralPath) _files.Add(GetUnresolvedProviderPathFromPSPath(path));
            return;
        }
        foreach (var pattern in Path)
        {
            try
            {
                var matched = GetResolvedProviderPathFromPSPath(pattern, out _);
                if (matched.Count == 0) throw new ItemNotFoundException(pattern);
                _files.AddRange(matched);
            }
            catch (ItemNotFoundException e)
            {
                WriteError(ErrorMapper.Record(e, ErrorKinds.FileNotFound, pattern, $"No file matches '{pattern}'. Check the path."));
            }
        }
    }

    protected override void EndProcessing()
    {
        var connection = ActiveConnection;
        var importer = new EventImporter(Runner());
        var options = new ImportOptions { DeriveMissingUuid = DeriveMissingUuid, TeamId = TeamId };
        var files = _files.Distinct(StringComparer.Ordinal).ToList();
        var withoutTeam = 0L;
        for (var i = 0; i < files.Count; i++)
        {
            var file = files[i];
            if (!ShouldProcess($"{connection.Table} at {connection.Location}", $"Import the events of {file}")) continue;
            WriteProgress(new ProgressRecord(1, "Importing LLM events", file) { PercentComplete = i * 100 / files.Count });
            if (!TryAwait(token => importer.ImportAsync(file, options, token), file, out var result)) continue;
            if (CancellationToken.IsCancellationRequested)
            {
                // Ctrl+C came while this file's events were being added, which always completes: say so, since the
                // pipeline is stopping and takes no more output.
                Host.UI.WriteWarningLine($"Import-LlmEvent was stopped while adding the events of {file}: that file was imported whole ({result.EventsAdded:N0} events added); the files after it were not.");
                throw new PipelineStoppedException();
            }
            // Only events that were added are stored as team 0; a file imported again adds none.
            withoutTeam += TeamId is null && result.EventsAdded > 0 ? Math.Min(result.EventsWithoutTeam, result.EventsAdded) : 0;
            WriteObject(result);
        }
        WriteProgress(new ProgressRecord(1, "Importing LLM events", "Done") { RecordType = ProgressRecordType.Completed });
        if (withoutTeam > 0)
            Warn($"{withoutTeam:N0} imported events named no team (PostHog's S3 batch export leaves team_id out by default) and were stored as team 0. " +
                         "Import them again with -TeamId <your project id> into a new folder, or connect without -TeamId to read them.");
    }
}
