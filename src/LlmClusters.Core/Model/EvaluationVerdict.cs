namespace LlmClusters.Core.Model;

/// <summary>
/// An evaluation's verdict as PostHog derives it from <c>$ai_evaluation_applicable</c> and <c>$ai_evaluation_result</c>
/// (its clusters page's deriveVerdict, the workflow's aggregates.py): not applicable first, then pass or fail, else unknown.
/// </summary>
public static class EvaluationVerdict
{
    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string NotApplicable = "n/a";

    /// <summary>A result that is neither true nor false (missing, 1, "yes", an object): left out of both rates.</summary>
    public const string Unknown = "unknown";

    public static readonly IReadOnlyList<string> All = [Pass, Fail, NotApplicable, Unknown];
}
