using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using LlmClusters.Core.Sessions;
using LlmClusters.Sessions;

namespace LlmClusters.Completers;

/// <summary>A completer that asks the current connection, briefly, and never fails the prompt.</summary>
public abstract class ConnectionCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            // Only a connection the user made: completing a word never opens the engine over the default folder.
            if (ConnectionRegistry.Current is not { } connection) return [];
            using var timeout = new CancellationTokenSource(CompletionText.Timeout);
            return Complete(connection, CompletionText.Unquote(wordToComplete), fakeBoundParameters, timeout.Token).ToList();
        }
        catch (Exception)
        {
            // No connection, no engine or a slow database simply means no suggestions.
            return [];
        }
    }

    protected abstract IEnumerable<CompletionResult> Complete(LlmAnalyticsConnection connection, string prefix, IDictionary boundParameters, CancellationToken cancellationToken);
}
