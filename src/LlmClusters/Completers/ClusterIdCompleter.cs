using System.Collections;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Model;
using LlmClusters.Infrastructure;

namespace LlmClusters.Completers;

/// <summary>Completes -ClusterId with the clusters of the run named by -RunId (or the newest run), titles as tooltips.</summary>
public sealed class ClusterIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = CompletionText.Unquote(wordToComplete);
        try
        {
            using var timeout = new CancellationTokenSource(CompletionText.Timeout);
            var reader = new ClusterReader(ConnectionRegistry.CurrentOrDefault());
            var runId = fakeBoundParameters["RunId"] switch
            {
                string s => s,
                string[] { Length: > 0 } a => a[0],
                _ => reader.NewestRunAsync(null, DateTime.UtcNow, timeout.Token).GetAwaiter().GetResult()?.RunId,
            };
            if (runId is null || !ClusterRunId.TryParse(runId, out var parsed, out _)) return [];
            var clusters = reader.ReadClustersAsync(parsed, timeout.Token).GetAwaiter().GetResult().Clusters;
            return clusters
                .Select(c => c.ClusterId.ToString(CultureInfo.InvariantCulture))
                .Zip(clusters)
                .Where(p => p.First.StartsWith(prefix, StringComparison.Ordinal))
                .Select(p => new CompletionResult(p.First, $"{p.First}: {p.Second.Title}", CompletionResultType.ParameterValue,
                    $"{p.Second.Title} ({p.Second.Size} items)"))
                .ToList();
        }
        catch (Exception)
        {
            return [];
        }
    }
}
