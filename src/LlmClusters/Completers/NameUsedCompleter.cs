using System.Collections;
using System.Management.Automation;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Traces;

namespace LlmClusters.Completers;

/// <summary>Completes -Model or -Provider with the names the last 7 days' generations and embeddings used, most used first.</summary>
public abstract class NameUsedCompleter(bool providers) : ConnectionCompleter
{
    protected override IEnumerable<CompletionResult> Complete(LlmAnalyticsConnection connection, string prefix, IDictionary boundParameters, CancellationToken cancellationToken)
    {
        var now = DateTime.UtcNow;
        var names = new TraceReader(connection).NamesUsedAsync(providers, now.AddDays(-7), now.AddMinutes(1), cancellationToken).GetAwaiter().GetResult();
        return names
            .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            .Select(n => new CompletionResult(CompletionText.Quote(n), n, CompletionResultType.ParameterValue, (providers ? "Provider" : "Model") + " used in the last 7 days"));
    }
}
