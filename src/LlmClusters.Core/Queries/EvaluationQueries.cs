using LlmClusters.Core.Model;
using LlmClusters.Core.Queries.Rows;
using static LlmClusters.Core.Queries.ClusterQueries;

namespace LlmClusters.Core.Queries;

/// <summary>
/// The $ai_evaluation events PostHog's evaluators write (one per judged generation), read as PostHog reads them: its
/// clusters page for an evaluation run's items (traceSummaryLoader.ts), its workflow for their clusters' figures
/// (evaluation_clustering/data.py), and, for trace and generation runs, the verdicts on their items.
/// </summary>
public static class EvaluationQueries
{
    /// <summary>Items per statement: the ids are bound as a list, which travels in the request.</summary>
    public const int ItemsPerStatement = 2_000;

    /// <summary>
    /// How far before an evaluation run's window its items are looked for: the workflow samples evaluations whose
    /// embeddings accumulated before the run's day, so PostHog's page widens the window by 7 days at its start.
    /// </summary>
    public static readonly TimeSpan LookBehind = TimeSpan.FromDays(7);

    /// <summary>How far after a window evaluations are looked for: a judge answers after the generation it judges.</summary>
    public static readonly TimeSpan LookAhead = TimeSpan.FromDays(1);

    /// <summary>
    /// PostHog's verdict (its page's deriveVerdict): applicable 'false' is n/a, else a result 'true' is a pass and
    /// 'false' a fail, case aside; anything else (missing, 1, "yes", an object) is unknown. Written once, here: every
    /// reader takes the verdict from the statement.
    /// </summary>
    private static string Verdict(string result, string applicable) =>
        $"multiIf(lower(ifNull({applicable}, '')) = 'false', '{EvaluationVerdict.NotApplicable}', " +
        $"lower(ifNull({result}, '')) = 'true', '{EvaluationVerdict.Pass}', lower(ifNull({result}, '')) = 'false', '{EvaluationVerdict.Fail}', " +
        $"'{EvaluationVerdict.Unknown}')";

    private static Dictionary<string, object?> Bounds(DateTime since, DateTime until, long? teamId, IReadOnlyCollection<string>? ids) =>
        TeamFilter.Bind(ids is null
            ? new Dictionary<string, object?> { ["since"] = since, ["until"] = until }
            : new Dictionary<string, object?> { ["since"] = since, ["until"] = until, ["ids"] = ids.ToArray() }, teamId);

    /// <summary>
    /// What did each of these evaluations judge, and how? Each $ai_evaluation event by its uuid (an evaluation run's
    /// items), between <paramref name="since"/> and <paramref name="until"/> (both included): the evaluator, its verdict
    /// and reasoning, the judged generation and trace, the judge's own cost. An event written twice is read once.
    /// </summary>
    public static SqlQuery<ItemEvaluationRow> ItemEvaluations(EventsTable table, DateTime since, DateTime until, long? teamId, IReadOnlyCollection<string> evaluationIds)
    {
        var read = new EventProperties(table)
            .Text("evaluator", "$ai_evaluation_id").Text("name", "$ai_evaluation_name").Text("result", "$ai_evaluation_result")
            .Text("applicable", "$ai_evaluation_applicable").Text("runtime", "$ai_evaluation_runtime").Text("reasoning", "$ai_evaluation_reasoning")
            .Text("target", "$ai_target_event_id").Text("trace", "$ai_trace_id").Number("judge_cost", "$ai_total_cost_usd");
        return new SqlQuery<ItemEvaluationRow>(nameof(ItemEvaluations), $"""
            SELECT evaluation_id,
                   any(e_evaluator) AS evaluator_id, any(e_name) AS name, any(e_result) AS result,
                   any({Verdict("e_result", "e_applicable")}) AS verdict,
                   any(e_runtime) AS runtime, any(e_reasoning) AS reasoning, any(e_target) AS target_id, any(e_trace) AS trace_id,
                   any(e_judge_cost) AS judge_cost, max(timestamp) AS evaluated_at
            FROM (
                SELECT toString(uuid) AS evaluation_id, timestamp, {read.Columns}
                FROM {table.Quoted}
                WHERE event = '$ai_evaluation'
                  AND timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp <= {P("until", "DateTime64(6, 'UTC')")}
                  {TeamFilter.Condition(teamId)}
                  AND toString(uuid) IN {P("ids", "Array(String)")}
            )
            GROUP BY evaluation_id
            """, Bounds(since, until, teamId, evaluationIds), r => new ItemEvaluationRow(r.GetStringOrEmpty("evaluation_id"))
            {
                EvaluatorId = r.GetText("evaluator_id"),
                Name = r.GetText("name"),
                Result = r.GetString("result"),
                Verdict = r.GetString("verdict") ?? EvaluationVerdict.Unknown,
                Runtime = r.GetText("runtime"),
                Reasoning = r.GetText("reasoning"),
                TargetId = r.GetText("target_id"),
                TraceId = r.GetText("trace_id"),
                JudgeCost = r.GetFiniteDouble("judge_cost"),
                EvaluatedAt = r.GetDateTime("evaluated_at"),
            });
    }

    /// <summary>
    /// What did the judged generations cost, how slow were they, did they fail? Each $ai_generation by its uuid, with the
    /// figures PostHog's workflow reads for an evaluation's generation (data.py). A generation written twice is read once.
    /// </summary>
    public static SqlQuery<JudgedGenerationRow> JudgedGenerations(EventsTable table, DateTime since, DateTime until, long? teamId, IReadOnlyCollection<string> generationIds)
    {
        var read = new EventProperties(table)
            .Number("cost", "$ai_total_cost_usd").Number("latency", "$ai_latency").Number("input_tokens", "$ai_input_tokens")
            .Number("output_tokens", "$ai_output_tokens").Text("model", "$ai_model").Text("provider", "$ai_provider").Text("is_error", "$ai_is_error");
        return new SqlQuery<JudgedGenerationRow>(nameof(JudgedGenerations), $"""
            SELECT generation_id, any(e_cost) AS cost, any(e_latency) AS latency, any(e_input_tokens) AS input_tokens,
                   any(e_output_tokens) AS output_tokens, any(e_model) AS model, any(e_provider) AS provider, any(lower(ifNull(e_is_error, ''))) AS is_error
            FROM (
                SELECT toString(uuid) AS generation_id, {read.Columns}
                FROM {table.Quoted}
                WHERE event = '$ai_generation'
                  AND timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp <= {P("until", "DateTime64(6, 'UTC')")}
                  {TeamFilter.Condition(teamId)}
                  AND toString(uuid) IN {P("ids", "Array(String)")}
            )
            GROUP BY generation_id
            """, Bounds(since, until, teamId, generationIds), r => new JudgedGenerationRow(r.GetStringOrEmpty("generation_id"))
            {
                Cost = r.GetFiniteDouble("cost"),
                Latency = r.GetFiniteDouble("latency"),
                InputTokens = r.GetFiniteDouble("input_tokens"),
                OutputTokens = r.GetFiniteDouble("output_tokens"),
                Model = r.GetText("model"),
                Provider = r.GetText("provider"),
                IsError = r.GetString("is_error") switch { "true" => true, "false" => false, _ => null },
            });
    }

    /// <summary>
    /// How did the evaluators judge each cluster of this trace or generation run? The verdicts of the evaluations of its
    /// items (traces by $ai_trace_id, generations by $ai_target_event_id, in lower case as a uuid's text is) from the
    /// window's start to a day after its end, per cluster, the membership unfolded from the run's event as the metrics
    /// query does.
    /// </summary>
    public static SqlQuery<ClusterVerdictsRow> ClusterVerdicts(EventsTable table, ClusterRunId runId, DateTime windowStart, DateTime windowEnd, long? teamId)
    {
        var key = runId.Level == ClusterLevel.generation ? "e_target" : "e_trace";
        var read = new EventProperties(table)
            .Text("result", "$ai_evaluation_result").Text("applicable", "$ai_evaluation_applicable")
            .Text(key[2..], runId.Level == ClusterLevel.generation ? "$ai_target_event_id" : "$ai_trace_id");
        var parameters = RunParameters(runId, teamId);
        parameters["since"] = windowStart;
        parameters["until"] = windowEnd + LookAhead;
        return new SqlQuery<ClusterVerdictsRow>(nameof(ClusterVerdicts), $"""
            WITH
                members AS (
                    {RunMembers(table, teamId is not null)}
                ),
                verdicts AS (
                    SELECT item, any(verdict) AS verdict
                    FROM (
                        SELECT toString(uuid) AS evaluation_id, {(runId.Level == ClusterLevel.generation ? $"lower(ifNull({key}, ''))" : $"ifNull({key}, '')")} AS item, {Verdict("e_result", "e_applicable")} AS verdict
                        FROM (
                            SELECT uuid, {read.Columns}
                            FROM {table.Quoted}
                            WHERE event = '$ai_evaluation'
                              AND timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp <= {P("until", "DateTime64(6, 'UTC')")}
                              {TeamFilter.Condition(teamId)}
                        )
                    )
                    GROUP BY evaluation_id, item
                )
            SELECT m.cluster_id AS cluster_id, count() AS evaluations,
                   countIf(v.verdict = '{EvaluationVerdict.Pass}') AS passed, countIf(v.verdict = '{EvaluationVerdict.Fail}') AS failed,
                   countIf(v.verdict = '{EvaluationVerdict.NotApplicable}') AS not_applicable
            FROM verdicts AS v
            GLOBAL INNER JOIN members AS m ON v.item = m.item
            GROUP BY cluster_id
            ORDER BY cluster_id
            """, parameters, r =>
            {
                var passed = r.GetInt64("passed") ?? 0;
                var failed = r.GetInt64("failed") ?? 0;
                var na = r.GetInt64("not_applicable") ?? 0;
                return new ClusterVerdictsRow(r.GetInt32("cluster_id") ?? 0, new VerdictCounts(passed, failed, na, (r.GetInt64("evaluations") ?? 0) - passed - failed - na));
            });
    }

    /// <summary>Which evaluators judged in this window, most used first? (For completing -EvaluationName.)</summary>
    public static SqlQuery<string> EvaluationNamesUsed(EventsTable table, DateTime since, DateTime until, long? teamId) => new(nameof(EvaluationNamesUsed), $"""
        SELECT e_name AS name, count() AS uses
        FROM (
            SELECT {new EventProperties(table).Text("name", "$ai_evaluation_name").Columns}
            FROM {table.Quoted}
            WHERE event = '$ai_evaluation'
              AND timestamp >= {P("since", "DateTime64(6, 'UTC')")} AND timestamp <= {P("until", "DateTime64(6, 'UTC')")}
              {TeamFilter.Condition(teamId)}
        )
        WHERE ifNull(e_name, '') != ''
        GROUP BY name
        ORDER BY uses DESC, name
        LIMIT 100
        """, Bounds(since, until, teamId, null), r => r.GetStringOrEmpty("name"));
}
