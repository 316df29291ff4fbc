using System.Collections;
using System.Globalization;
using System.Management.Automation;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Model;
using LlmClusters.Core.Sessions;

namespace LlmClusters.Completers;

/// <summary>Completes -ClusterId with the clusters of the run named by -RunId (or the newest run), titles as tooltips.</summary>
public sealed class ClusterIdCompleter : ConnectionCompleter
{
    protected override IEnumerable<CompletionResult> Complete(LlmAnalyticsConnection connection, string prefix, IDictionary boundParameters, CancellationToken cancellationToken)
    {
        var reader = new ClusterReader(connection);
        var runId = boundParameters["RunId"] switch
        {
            string s => s,
            string[] { Length: > 0 } a => a[0],
            _ => reader.NewestRunAsync(null, DateTime.UtcNow, cancellationToken).GetAwaiter().GetResult()?.RunId,
        };
        if (runId is null || !ClusterRunId.TryParse(runId, out var parsed, out _)) return [];
        return reader.ReadClustersAsync(parsed, cancellationToken).GetAwaiter().GetResult().Clusters
            .Select(c => (Id: c.ClusterId.ToString(CultureInfo.InvariantCulture), Cluster: c))
            .Where(p => p.Id.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => new CompletionResult(p.Id, $"{p.Id}: {p.Cluster.Title}", CompletionResultType.ParameterValue, $"{p.Cluster.Title} ({p.Cluster.Size} items)"));
    }
}
