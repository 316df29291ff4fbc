using System.Collections;
using System.Management.Automation;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Sessions;

namespace LlmClusters.Completers;

/// <summary>Completes a clustering job's name or id with the jobs that ran in the last 90 days.</summary>
public abstract class JobCompleter(bool ids) : ConnectionCompleter
{
    protected override IEnumerable<CompletionResult> Complete(LlmAnalyticsConnection connection, string prefix, IDictionary boundParameters, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var jobs = new ClusterReader(connection).ListJobsAsync(now.AddDays(-90), now.AddMinutes(1), cancellationToken).GetAwaiter().GetResult();
        return jobs
            .Select(j => (Value: ids ? j.Id : j.Name, Job: j))
            .Where(j => j.Value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .DistinctBy(j => j.Value, StringComparer.Ordinal)
            .Select(j => new CompletionResult(CompletionText.Quote(j.Value), j.Value, CompletionResultType.ParameterValue,
                $"{(ids ? j.Job.Name : j.Job.Id)}: {j.Job.Level} job, {j.Job.RunCount} runs"));
    }
}
