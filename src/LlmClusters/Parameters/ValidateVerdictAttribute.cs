using System.Management.Automation;
using LlmClusters.Core.Model;

namespace LlmClusters.Parameters;

/// <summary>Refuses a -Verdict that can match none of PostHog's verdicts (a typo such as 'passed' would match nothing, silently).</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
public sealed class ValidateVerdictAttribute : ValidateEnumeratedArgumentsAttribute
{
    protected override void ValidateElement(object element)
    {
        var pattern = new Wildcard(element?.ToString() ?? "");
        if (!EvaluationVerdict.All.Any(pattern.IsMatch))
            throw new ValidationMetadataException($"'{element}' is not a verdict: use {string.Join(", ", EvaluationVerdict.All)} (wildcards allowed).");
    }
}
