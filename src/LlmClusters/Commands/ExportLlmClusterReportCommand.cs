using System.Management.Automation;
using System.Text;
using LlmClusters.Completers;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Reports;
using LlmClusters.Infrastructure;
using LlmClusters.Parameters;

namespace LlmClusters.Commands;

/// <summary>Writes a self-contained HTML cluster map and metrics table for a run (or for piped clusters of one run).</summary>
[Cmdlet(VerbsData.Export, "LlmClusterReport", SupportsShouldProcess = true, DefaultParameterSetName = RunSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportLlmClusterReportCommand : ConnectedCmdlet
{
    // A run or piped clusters, each to a -Path or a -LiteralPath.
    private const string RunSet = "Run";
    private const string ClusterSet = "Cluster";
    private const string RunLiteralSet = "RunLiteralPath";
    private const string ClusterLiteralSet = "ClusterLiteralPath";

    /// <summary>The file to write; wildcards name an existing file, which is replaced.</summary>
    [Parameter(ParameterSetName = RunSet, Mandatory = true, Position = 0)]
    [Parameter(ParameterSetName = ClusterSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    /// <summary>The file to write, taken as it is written: no character is a wildcard.</summary>
    [Parameter(ParameterSetName = RunLiteralSet, Mandatory = true)]
    [Parameter(ParameterSetName = ClusterLiteralSet, Mandatory = true)]
    [Alias("PSPath", "LP")]
    [ValidateNotNullOrEmpty]
    public string LiteralPath { get; set; } = string.Empty;

    [Parameter(ParameterSetName = RunSet, Position = 1)]
    [Parameter(ParameterSetName = RunLiteralSet, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public RunParameter? RunId { get; set; }

    /// <summary>Clusters from Get-LlmCluster, all of one run: the report shows those.</summary>
    [Parameter(ParameterSetName = ClusterSet, Mandatory = true, ValueFromPipeline = true)]
    [Parameter(ParameterSetName = ClusterLiteralSet, Mandatory = true, ValueFromPipeline = true)]
    public PSObject[] InputObject { get; set; } = [];

    private bool ForClusters => ParameterSetName is ClusterSet or ClusterLiteralSet;

    [Parameter]
    public SwitchParameter PassThru { get; set; }


    private readonly List<LlmCluster> _clusters = [];
    private PipelineInput? _input;

    // Any object binds, so that objects of another kind get one message at the end, not one binding error each.
    protected override void ProcessRecord()
    {
        if (ForClusters)
            _clusters.AddRange((_input ??= new PipelineInput(MyInvocation.MyCommand.Name, "clusters (Get-LlmCluster)")).Take<LlmCluster>(InputObject));
    }

    protected override void EndProcessing()
    {
        var connection = ActiveConnection;
        foreach (var error in _input?.Errors("Pipe Get-LlmCluster, or name the run with -RunId.") ?? []) WriteError(error);
        var runIds = _clusters.Select(c => c.RunId).Distinct().ToList();
        if (runIds.Count > 1)
            Terminate(ErrorMapper.Refusal(ErrorKinds.SeveralRuns, runIds,
                $"A report shows one run, but the piped clusters come from {runIds.Count} runs. Pipe the clusters of one run (Get-LlmCluster -RunId <id>)."));
        if ((ForClusters ? (runIds.Count == 0 ? null : ParseRunId(runIds[0])) : RunIdOrNewest(RunId?.RunId, null, connection)) is not { } parsed) return;
        var runId = parsed.RunId;
        var file = OutputFile();
        if (!ShouldProcess(file, $"Write the cluster report of {runId}")) return;

        var reader = Reader();
        var read = Await(token => reader.ReadClustersAsync(parsed, token), runId);
        var run = Await(token => new ClusterMetricsReader(connection, QueryObserver()).FillMetricsAsync(read, token), runId);
        var wanted = _clusters.Count > 0 ? _clusters.Select(c => c.ClusterId).ToHashSet() : null;
        if (wanted is not null) run = run with { Clusters = run.Clusters.Where(c => wanted.Contains(c.ClusterId)).ToList() };
        var items = Await(token => reader.ReadItemsAsync(parsed, wanted?.ToList(), null, token), runId);

        var html = ClusterReportWriter.Write(run, items, connection.PostHogHost);
        Guard(() => { File.WriteAllText(file, html, new UTF8Encoding(false)); return true; }, file);
        if (PassThru) WriteObject(new FileInfo(file));
    }

    /// <summary>
    /// The file to write. A -Path with wildcards must name exactly one existing file, as Out-File's does; any other
    /// path, and every -LiteralPath, is the file to create or replace.
    /// </summary>
    private string OutputFile()
    {
        if (ParameterSetName is RunLiteralSet or ClusterLiteralSet || !WildcardPattern.ContainsWildcardCharacters(Path))
            return GetUnresolvedProviderPathFromPSPath(ParameterSetName is RunLiteralSet or ClusterLiteralSet ? LiteralPath : Path);
        List<string> matches;
        try { matches = [.. SessionState.Path.GetResolvedProviderPathFromPSPath(Path, out _)]; }
        catch (ItemNotFoundException) { matches = []; }
        if (matches.Count == 1) return matches[0];
        Terminate(ErrorMapper.Refusal(ErrorKinds.PathNotSingle, Path,
            $"-Path '{Path}' has wildcard characters and names {(matches.Count == 0 ? "no file" : $"{matches.Count} files")}; it must name one file. " +
            "For a name with [, ], * or ? in it, use -LiteralPath."));
        return string.Empty;
    }
}
