using System.Globalization;
using LlmClusters.Core.Model;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Demo;

/// <summary>
/// Writes the $ai_evaluation events PostHog's evaluators write of generations (evaluation_clustering/data.py reads
/// them): an LLM judge that may find a question not applicable, and Hog code, on the first generation of some traces.
/// Verdicts follow the traffic: a failed trace fails its judge, and kinds that fail more pass less. Some results are
/// neither true nor false (a Hog evaluator that returned nothing), so every verdict occurs. Values draw from a random
/// stream of their own, so every other demo value is the same with or without them.
/// </summary>
internal sealed class DemoEvaluator(DemoDataOptions options)
{
    public const string Judge = "Helpfulness", Code = "No PII in answer";

    /// <summary>The share of traces the judge evaluates, and the share Hog code evaluates.</summary>
    public const double JudgedShare = 0.5, CodedShare = 0.3;

    private readonly DemoRandom _random = new(unchecked(options.Seed * 4243 + 1_299_709));

    public DemoTrace Evaluate(DemoTrace trace, bool failing)
    {
        var generation = trace.Events.FirstOrDefault(e => e.Event == "$ai_generation");
        var judged = _random.Chance(JudgedShare);
        var coded = _random.Chance(CodedShare);
        if (generation is null || (!judged && !coded)) return trace;
        var evaluations = new List<DemoEvaluation>();
        var rows = new List<string>();
        if (judged)
        {
            // Auth and travel fail most; a failed trace always fails its judge.
            var passChance = Math.Clamp(1 - 3 * trace.Kind.ErrorRate, 0.4, 0.97);
            var verdict = failing ? EvaluationVerdict.Fail
                : _random.Chance(0.08) ? EvaluationVerdict.NotApplicable
                : _random.Chance(passChance) ? EvaluationVerdict.Pass : EvaluationVerdict.Fail;
            var reasoning = verdict switch
            {
                EvaluationVerdict.NotApplicable => "The request is not one the assistant is asked to help with.",
                EvaluationVerdict.Pass => $"The answer addresses the {trace.Kind.TraceName} request fully.",
                _ => failing ? "The assistant gave no answer: the call failed." : $"The answer misses what the {trace.Kind.TraceName} request asked.",
            };
            Add(trace, generation, Judge, "llm_judge", verdict, reasoning, Math.Round(_random.Between(0.0002, 0.0008), 6), evaluations, rows);
        }
        if (coded)
        {
            var verdict = _random.Chance(0.04) ? EvaluationVerdict.Unknown : _random.Chance(0.05) ? EvaluationVerdict.Fail : EvaluationVerdict.Pass;
            var reasoning = verdict switch
            {
                EvaluationVerdict.Unknown => "The evaluator returned no result.",
                EvaluationVerdict.Fail => "An e-mail address appears in the answer.",
                _ => "No personal data found.",
            };
            Add(trace, generation, Code, "hog", verdict, reasoning, null, evaluations, rows);
        }
        return trace with { Evaluations = evaluations, EvaluationRows = rows };
    }

    private void Add(DemoTrace trace, DemoEvent generation, string name, string runtime, string verdict, string reasoning, double? judgeCost,
        List<DemoEvaluation> evaluations, List<string> rows)
    {
        var uuid = _random.Uuid();
        var at = generation.Timestamp.AddSeconds(_random.Between(20, 1_800));
        at = new DateTime(at.Ticks - at.Ticks % 10, DateTimeKind.Utc);
        var properties = EventJson.Properties(w =>
        {
            w.WriteString("$ai_evaluation_id", name == Judge ? "0b5c3f9e-1d2a-4c7b-9e8f-3a6d5c4b2e10" : "7e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b");
            w.WriteString("$ai_evaluation_name", name);
            w.WriteString("$ai_evaluation_runtime", runtime);
            w.WriteString("$ai_target_event_id", generation.Uuid.ToString("D"));
            w.WriteString("$ai_trace_id", trace.TraceId);
            w.WriteString("$ai_evaluation_reasoning", reasoning);
            // The judge allows N/A (written as applicable false); a pass or fail comes as a JSON boolean, or as the text
            // some evaluators write; an unknown verdict has no result at all.
            if (verdict == EvaluationVerdict.NotApplicable) w.WriteBoolean("$ai_evaluation_applicable", false);
            else if (name == Judge) w.WriteBoolean("$ai_evaluation_applicable", true);
            if (verdict is EvaluationVerdict.Pass or EvaluationVerdict.Fail)
            {
                if (_random.Chance(0.2)) w.WriteString("$ai_evaluation_result", verdict == EvaluationVerdict.Pass ? "true" : "false");
                else w.WriteBoolean("$ai_evaluation_result", verdict == EvaluationVerdict.Pass);
            }
            if (judgeCost is { } cost) w.WriteNumber("$ai_total_cost_usd", cost);
        });
        rows.Add(EventJson.Row(uuid, "$ai_evaluation", properties, at, options.TeamId, "evaluation_" + options.TeamId.ToString(CultureInfo.InvariantCulture)));
        evaluations.Add(new DemoEvaluation(uuid, generation.Uuid, name, runtime, verdict, judgeCost, at));
    }
}
