using System.Management.Automation;
using System.Text;
using LlmClusters.Completers;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Reports;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Writes a self-contained HTML cluster map and metrics table for a run (or for piped clusters of one run).</summary>
[Cmdlet(VerbsData.Export, "LlmClusterReport", SupportsShouldProcess = true, DefaultParameterSetName = RunSet)]
[OutputType(typeof(FileInfo))]
public sealed class ExportLlmClusterReportCommand : ConnectedCmdlet
{
    private const string RunSet = "Run";
    private const string ClusterSet = "Cluster";

    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = string.Empty;

    [Parameter(ParameterSetName = RunSet, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public string? RunId { get; set; }

    /// <summary>Clusters from Get-LlmCluster, all of one run: the report shows those.</summary>
    [Parameter(ParameterSetName = ClusterSet, Mandatory = true, ValueFromPipeline = true)]
    public LlmCluster[] InputObject { get; set; } = [];

    [Parameter]
    public SwitchParameter PassThru { get; set; }


    private readonly List<LlmCluster> _clusters = [];

    protected override void ProcessRecord()
    {
        if (ParameterSetName == ClusterSet) _clusters.AddRange(InputObject);
    }

    protected override void EndProcessing()
    {
        var connection = ActiveConnection;
        var runIds = _clusters.Select(c => c.RunId).Distinct().ToList();
        if (runIds.Count > 1)
            Terminate(ErrorMapper.Refusal("SeveralRuns", ErrorCategory.InvalidArgument, runIds,
                $"A report shows one run, but the piped clusters come from {runIds.Count} runs. Pipe the clusters of one run (Get-LlmCluster -RunId <id>)."));
        if ((ParameterSetName == ClusterSet ? runIds.FirstOrDefault() : RunIdOrNewest(RunId, null, connection)) is not { } runId) return;
        if (ParseRunId(runId) is not { } parsed) return;
        var file = GetUnresolvedProviderPathFromPSPath(Path);
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
}
