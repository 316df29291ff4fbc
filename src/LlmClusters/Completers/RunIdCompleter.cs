using System.Collections;
using System.Management.Automation;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;

namespace LlmClusters.Completers;

/// <summary>Completes -RunId with the runs of the last 30 days on the current connection, newest first.</summary>
public sealed class RunIdCompleter : ConnectionCompleter
{
    protected override IEnumerable<CompletionResult> Complete(LlmAnalyticsConnection connection, string prefix, IDictionary boundParameters, CancellationToken cancellationToken)
    {
        var reader = new ClusterReader(connection);
        var now = DateTime.UtcNow;
        var runs = reader.ListRunsAsync(new RunFilter { Since = now.AddDays(-30), Until = now.AddMinutes(1), First = 200 }, cancellationToken).GetAwaiter().GetResult();
        return runs
            .Where(r => r.RunId.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(r => new CompletionResult(CompletionText.Quote(r.RunId), r.RunId, CompletionResultType.ParameterValue,
                $"{r.Level} run{(r.JobName is null ? "" : " of " + r.JobName)}, {r.ClusterCount} clusters, window ending {r.WindowEnd:u}"));
    }
}
