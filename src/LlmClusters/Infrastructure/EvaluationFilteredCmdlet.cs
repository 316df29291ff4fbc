using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Model;
using LlmClusters.Parameters;

namespace LlmClusters.Infrastructure;

/// <summary>
/// A cluster cmdlet that also filters evaluation runs by verdict and evaluator, as PostHog's clusters page does:
/// Get-LlmCluster and Get-ClusterItem.
/// </summary>
public abstract class EvaluationFilteredCmdlet : ClusterBatchCmdlet
{
    /// <summary>Evaluation-level runs: only evaluations with these verdicts (pass, fail, n/a, unknown; wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ValidateVerdict]
    [ArgumentCompleter(typeof(VerdictCompleter))]
    public string[]? Verdict { get; set; }

    /// <summary>Evaluation-level runs: only evaluations by these evaluators (wildcards).</summary>
    [Parameter]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(EvaluationNameCompleter))]
    public string[]? EvaluationName { get; set; }

    /// <summary>The filter the two parameters make; empty when neither is given.</summary>
    protected EvaluationFilter EvaluationFilter => new()
    {
        Verdicts = Verdict?.Select(v => new Wildcard(v)).ToList(),
        EvaluationNames = EvaluationName?.Select(n => new Wildcard(n)).ToList(),
    };

    /// <summary>
    /// Whether the filter can apply to a run of this level; writes one error for a run of another level, since a
    /// trace or generation run has no verdicts of its own.
    /// </summary>
    protected bool FilterApplies(string runId, ClusterLevel level)
    {
        if (EvaluationFilter.IsEmpty || level == ClusterLevel.evaluation) return true;
        WriteError(ErrorMapper.Refusal(ErrorKinds.EvaluationFilterNotApplicable, runId,
            $"Run {runId} is a {level}-level run: -Verdict and -EvaluationName filter the items of evaluation-level runs."));
        return false;
    }
}
