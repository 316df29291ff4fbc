using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Queries;
using LlmClusters.Infrastructure;

namespace LlmClusters.Completers;

/// <summary>Completes -RunId with the runs of the last 30 days on the current connection, newest first.</summary>
public sealed class RunIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var prefix = CompletionText.Unquote(wordToComplete);
        try
        {
            using var timeout = new CancellationTokenSource(CompletionText.Timeout);
            var now = DateTime.UtcNow;
            var runs = new ClusterReader(ConnectionRegistry.CurrentOrDefault())
                .ListRunsAsync(new RunFilter { Since = now.AddDays(-30), Until = now.AddMinutes(1), First = 200 }, timeout.Token)
                .GetAwaiter().GetResult();
            return runs
                .Where(r => r.RunId.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(r => new CompletionResult(CompletionText.Quote(r.RunId), r.RunId, CompletionResultType.ParameterValue,
                    $"{r.Level} run{(r.JobName is null ? "" : " of " + r.JobName)}, {r.ClusterCount} clusters, window ending {r.WindowEnd:u}"))
                .ToList();
        }
        catch (Exception)
        {
            // Completion must never fail the prompt: no connection or no engine simply means no suggestions.
            return [];
        }
    }
}
