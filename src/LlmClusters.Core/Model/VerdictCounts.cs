namespace LlmClusters.Core.Model;

/// <summary>
/// How many of a group's evaluations gave each verdict, and PostHog's rates over them (aggregates.py): pass and n/a over
/// pass + fail + n/a, unknown verdicts left out of both, null when no evaluation had a known verdict.
/// </summary>
public readonly record struct VerdictCounts(long Passed, long Failed, long NotApplicable, long Unknown)
{
    public long Evaluations => Passed + Failed + NotApplicable + Unknown;

    private long Known => Passed + Failed + NotApplicable;

    public double? PassRate => Known > 0 ? (double)Passed / Known : null;

    public double? NaRate => Known > 0 ? (double)NotApplicable / Known : null;

    public static VerdictCounts Of(IEnumerable<string?> verdicts)
    {
        long pass = 0, fail = 0, na = 0, unknown = 0;
        foreach (var verdict in verdicts)
        {
            switch (verdict)
            {
                case EvaluationVerdict.Pass: pass++; break;
                case EvaluationVerdict.Fail: fail++; break;
                case EvaluationVerdict.NotApplicable: na++; break;
                default: unknown++; break;
            }
        }
        return new VerdictCounts(pass, fail, na, unknown);
    }

    public static VerdictCounts operator +(VerdictCounts a, VerdictCounts b) =>
        new(a.Passed + b.Passed, a.Failed + b.Failed, a.NotApplicable + b.NotApplicable, a.Unknown + b.Unknown);
}
