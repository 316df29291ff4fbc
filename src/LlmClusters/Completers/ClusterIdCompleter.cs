using System.Collections;
using System.Globalization;
using System.Management.Automation;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Sessions;
using LlmClusters.Parameters;

namespace LlmClusters.Completers;

/// <summary>Completes -ClusterId with the clusters of the run named by -RunId (or the newest run), titles as tooltips.</summary>
public sealed class ClusterIdCompleter : ConnectionCompleter
{
    protected override IEnumerable<CompletionResult> Complete(LlmAnalyticsConnection connection, string prefix, IDictionary boundParameters, CancellationToken cancellationToken)
    {
        var reader = new ClusterReader(connection);
        var named = boundParameters["RunId"] switch
        {
            object[] { Length: > 0 } several => several[0],
            var one => one,
        };
        // A run named as -RunId takes it (an id, a run, a cluster), else the newest run.
        var runId = named ?? reader.NewestRunAsync(null, DateTime.UtcNow, cancellationToken).GetAwaiter().GetResult()?.RunId;
        if (runId is null || !RunParameter.TryFrom(PSObject.AsPSObject(runId), out var run, out _)) return [];
        var parsed = run.RunId;
        return reader.ReadClustersAsync(parsed, cancellationToken).GetAwaiter().GetResult().Clusters
            .Select(c => (Id: c.ClusterId.ToString(CultureInfo.InvariantCulture), Cluster: c))
            .Where(p => p.Id.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => new CompletionResult(p.Id, $"{p.Id}: {p.Cluster.Title}", CompletionResultType.ParameterValue, $"{p.Cluster.Title} ({p.Cluster.Size} items)"));
    }
}
