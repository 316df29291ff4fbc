using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using LlmClusters.Core.Model;

namespace LlmClusters.Completers;

/// <summary>Completes -Verdict with PostHog's four verdicts.</summary>
public sealed class VerdictCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters) =>
        EvaluationVerdict.All
            .Where(v => v.StartsWith(CompletionText.Unquote(wordToComplete), StringComparison.OrdinalIgnoreCase))
            .Select(v => new CompletionResult(CompletionText.Quote(v), v, CompletionResultType.ParameterValue, "Evaluations whose verdict is " + v));
}
