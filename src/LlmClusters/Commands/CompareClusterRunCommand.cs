using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Comparison;
using LlmClusters.Core.Model;
using LlmClusters.Infrastructure;
using LlmClusters.Parameters;

namespace LlmClusters.Commands;

/// <summary>Shows how clusters changed between two runs, or between each piped run and the previous one of its job and level.</summary>
[Cmdlet(VerbsData.Compare, "ClusterRun", DefaultParameterSetName = ByIdSet)]
[OutputType(typeof(ClusterChange))]
public sealed class CompareClusterRunCommand : ConnectedCmdlet
{
    private const string ByIdSet = "ById";
    private const string PipelineSet = "Pipeline";

    [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public RunParameter ReferenceRunId { get; set; } = null!;

    [Parameter(ParameterSetName = ByIdSet, Mandatory = true, Position = 1)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public RunParameter DifferenceRunId { get; set; } = null!;

    /// <summary>Runs (from Get-ClusterRun): each is compared with the previous one of the same job and level.</summary>
    [Parameter(ParameterSetName = PipelineSet, Mandatory = true, ValueFromPipeline = true)]
    public PSObject[] InputObject { get; set; } = [];

    [Parameter]
    [ValidateRange(0.0, 1.0)]
    public double MatchThreshold { get; set; } = new ComparisonOptions().MatchThreshold;

    [Parameter]
    [ValidateRange(0.0, 10.0)]
    public double GrowthThreshold { get; set; } = new ComparisonOptions().GrowthThreshold;


    private readonly List<ClusterRun> _runs = [];
    private PipelineInput? _input;

    // Any object binds, so that objects of another kind get one message at the end, not one binding error each.
    protected override void ProcessRecord()
    {
        if (ParameterSetName == PipelineSet)
            _runs.AddRange((_input ??= new PipelineInput(MyInvocation.MyCommand.Name, "runs (Get-ClusterRun)")).Take<ClusterRun>(InputObject));
    }

    protected override void EndProcessing()
    {
        var pairs = ParameterSetName == ByIdSet
            ? [(ReferenceRunId.RunId.RunId, DifferenceRunId.RunId.RunId)]
            // Each run against the one before it of the same job (manual runs together) and level, oldest first.
            : _runs.DistinctBy(r => r.RunId)
                .GroupBy(r => (r.JobId ?? "", r.Level))
                .SelectMany(g => g.OrderBy(r => r.WindowEnd ?? r.Timestamp).Zip(g.OrderBy(r => r.WindowEnd ?? r.Timestamp).Skip(1), (a, b) => (a.RunId, b.RunId)))
                .ToList();
        foreach (var error in _input?.Errors("To compare two runs, pipe Get-ClusterRun, or name them with -ReferenceRunId and -DifferenceRunId.") ?? []) WriteError(error);
        if (ParameterSetName == PipelineSet && pairs.Count == 0 && _runs.Count > 0)
            Warn("No two piped runs share a job and a level, so there is nothing to compare. Pipe runs of a longer window (Get-ClusterRun -Since).");

        var comparer = new RunComparer(ActiveConnection, QueryObserver());
        var options = new ComparisonOptions { MatchThreshold = MatchThreshold, GrowthThreshold = GrowthThreshold };
        foreach (var (reference, difference) in pairs)
        {
            if (ParseRunId(reference) is not { } a || ParseRunId(difference) is not { } b) continue;
            if (a.Level != b.Level)
            {
                WriteError(ErrorMapper.RunLevelsDiffer(a, b));
                continue;
            }
            if (!TryAwait(token => comparer.CompareAsync(a, b, options, token), difference, out var changes)) continue;
            foreach (var change in changes) WriteObject(change);
        }
    }
}
