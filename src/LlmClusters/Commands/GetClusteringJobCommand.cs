using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Model;
using LlmClusters.Core.Sources;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Lists the clustering jobs: from PostHog's jobs endpoint, or inferred from run events on ClickHouse and embedded sources.</summary>
[Cmdlet(VerbsCommon.Get, "ClusteringJob")]
[OutputType(typeof(ClusteringJob))]
public sealed class GetClusteringJobCommand : ConnectedCmdlet
{
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("JobId")]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobIdCompleter))]
    public string[]? Id { get; set; }

    [Parameter]
    [Alias("JobName")]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(JobNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary>How far back to look for runs. Defaults to 90 days ago.</summary>
    [Parameter]
    public DateTime? Since { get; set; }


    protected override void ProcessRecord()
    {
        var connection = ActiveConnection;
        var now = DateTime.UtcNow;
        var since = Since is { } s ? UtcTime.From(s) : now.AddDays(-90);
        var jobs = Await(token => Reader().ListJobsAsync(since, now.AddMinutes(1), token), connection.Location);
        var names = Name?.Select(n => new Wildcard(n)).ToList();
        var selected = jobs.Where(j => (Id is null || Id.Contains(j.Id, StringComparer.OrdinalIgnoreCase)) && (names is null || names.Any(n => n.IsMatch(j.Name)))).ToList();
        foreach (var job in selected) WriteObject(job);

        // PostHog's API lists every job; elsewhere jobs are only known by the runs they wrote in the window.
        var fromApi = connection.AnalyticsSource is IClusteringJobSource;
        foreach (var id in (Id ?? []).Where(id => !selected.Any(j => string.Equals(j.Id, id, StringComparison.OrdinalIgnoreCase))))
            WriteError(ErrorMapper.Refusal(ErrorKinds.JobNotFound, id,
                fromApi ? $"{connection.Location} has no clustering job with id {id}. Run Get-ClusteringJob to list them."
                        : $"No run since {since:u} was written by a job with id {id}. Widen the window with -Since."));
        foreach (var name in (Name ?? []).Where(n => !Wildcard.HasWildcards(n) && !selected.Any(j => string.Equals(j.Name, n, StringComparison.OrdinalIgnoreCase))))
            WriteError(ErrorMapper.Refusal(ErrorKinds.JobNotFound, name,
                fromApi ? $"{connection.Location} has no clustering job named '{name}'. Run Get-ClusteringJob to list them, or use a wildcard."
                        : $"No run since {since:u} was written by a job named '{name}'. Widen the window with -Since, or use a wildcard."));
    }
}
