using System.Collections;
using System.Management.Automation;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Sessions;

namespace LlmClusters.Completers;

/// <summary>Completes -EvaluationName with the evaluators of the last 30 days, most used first.</summary>
public sealed class EvaluationNameCompleter : ConnectionCompleter
{
    protected override IEnumerable<CompletionResult> Complete(LlmAnalyticsConnection connection, string prefix, IDictionary boundParameters, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var names = new ClusterReader(connection).EvaluationNamesUsedAsync(now.AddDays(-30), now.AddMinutes(1), cancellationToken).GetAwaiter().GetResult();
        return names
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(CompletionText.Quote(n), n, CompletionResultType.ParameterValue, "Evaluator of the last 30 days"));
    }
}
