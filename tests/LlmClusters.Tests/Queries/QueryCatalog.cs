using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;

namespace LlmClusters.Tests.Queries;

/// <summary>
/// Every named query the module sends, in every shape its cmdlets and parameters give it, for runs, traces and items
/// the caller names: PostHog's parser checks each shape (HogQLAcceptanceTests), and the embedded engine runs each on
/// the demo data and reads its rows with the query's own reader (QueryRowsTests).
/// </summary>
internal static class QueryCatalog
{
    /// <summary>What the queries are asked about: a window, a run of each level and a second trace-level run, some traces, items and a model.</summary>
    public sealed record Subjects(DateTime Since, DateTime Until, ClusterRunId TraceRun, ClusterRunId GenerationRun, ClusterRunId OtherTraceRun,
        IReadOnlyList<string> TraceIds, IReadOnlyList<(int ClusterId, string Item)> Members, string Model, IReadOnlyList<string>? GenerationIds = null,
        IReadOnlyList<string>? EvaluationIds = null);

    public static IEnumerable<(string Shape, SqlQuery Query)> Every(EventsTable events, Subjects s, long? teamId = null)
    {
        yield return ("runs", ClusterQueries.ListRuns(events, new RunFilter { Since = s.Since, Until = s.Until, TeamId = teamId }));
        yield return ("runs by level, ids, jobs and name", ClusterQueries.ListRuns(events, new RunFilter
        {
            Since = s.Since, Until = s.Until, TeamId = teamId, Level = ClusterLevel.generation, RunIds = [s.TraceRun.RunId, s.GenerationRun.RunId],
            JobIds = ["a", "b"], JobName = "default*", First = 5,
        }));
        foreach (var run in new[] { s.TraceRun, s.GenerationRun })
        {
            var level = run.Level;
            yield return ($"{level} clusters", ClusterQueries.RunClusters(events, run, teamId));
            yield return ($"{level} items", ClusterQueries.ClusterItems(events, run, teamId, null, null));
            yield return ($"{level} items of clusters, top 3", ClusterQueries.ClusterItems(events, run, teamId, [0, -1], 3));
            foreach (var items in new long[] { 1_500, MetricsQueries.MembershipFilterLimit + 1 })
                foreach (var by in Enum.GetValues<MetricsDimension>())
                    foreach (var definition in Enum.GetValues<MetricsDefinition>())
                        yield return ($"{level} metrics, {items} items, by {by}, {definition}", MetricsQueries.ClusterMetrics(events, run, s.Since, s.Until, teamId, items, by, definition));
            yield return ($"{level} metrics per item", MetricsQueries.ItemMetrics(events, run, s.Since, s.Until, teamId, 1_500, null));
            yield return ($"{level} metrics per item of clusters, large run", MetricsQueries.ItemMetrics(events, run, s.Since, s.Until, teamId, MetricsQueries.MembershipFilterLimit + 1, [0, 2]));
            yield return ($"{level} sample", ClusteringQueries.SampleItems(events, level, s.Since, s.Until, teamId, 1500, 7, null));
            yield return ($"{level} sample with a filter", ClusteringQueries.SampleItems(events, level, s.Since, s.Until, teamId, 1500, 7, [new("$ai_model", s.Model)]));
            yield return ($"{level} window figures", MetricsQueries.WindowItemFigures(events, level, s.Since, s.Until, teamId));
            yield return ($"{level} item summaries", SummaryQueries.ItemSummaries(events, level, s.Since, s.Until, teamId,
                level == ClusterLevel.generation ? s.GenerationIds ?? s.TraceIds : s.TraceIds));
            yield return ($"{level} cluster verdicts", EvaluationQueries.ClusterVerdicts(events, run, s.Since, s.Until, teamId));
        }
        yield return ("evaluations of items", EvaluationQueries.ItemEvaluations(events, s.Since, s.Until, teamId, s.EvaluationIds ?? s.TraceIds));
        yield return ("judged generations", EvaluationQueries.JudgedGenerations(events, s.Since, s.Until, teamId, s.GenerationIds ?? s.TraceIds));
        yield return ("evaluation names used", EvaluationQueries.EvaluationNamesUsed(events, s.Since, s.Until, teamId));
        yield return ("membership metrics", MetricsQueries.MembershipMetrics(events, ClusterLevel.trace, s.Since, s.Until, teamId,
            s.Members.Select(m => m.ClusterId).ToList(), s.Members.Select(m => m.Item).ToList()));
        yield return ("jobs seen on runs", ClusterQueries.JobsSeenOnRuns(events, s.Since, s.Until, teamId));
        yield return ("shared items", ComparisonQueries.SharedItems(events, s.TraceRun, s.OtherTraceRun, teamId));
        yield return ("trace events", TraceQueries.TraceEvents(events, s.TraceIds, s.Since, s.Until, teamId));
        yield return ("trace events, content in ai_events", TraceQueries.TraceEvents(events with { Content = ContentColumns.All }, s.TraceIds, s.Since, s.Until, teamId));
        yield return ("trace events, an older ai_events", TraceQueries.TraceEvents(events with { Content = ContentColumns.Input | ContentColumns.InputState }, s.TraceIds, s.Since, s.Until, teamId));
        yield return ("trace totals", TraceQueries.TraceTotals(events, s.TraceIds, s.Since, s.Until, teamId));
        yield return ("recent traces", TraceQueries.RecentTraces(events, s.Since, s.Until, teamId, null, false, 20));
        yield return ("recent failing traces of a model", TraceQueries.RecentTraces(events, s.Since, s.Until, teamId, s.Model, true, 20));
        yield return ("recent traces of models by wildcard", TraceQueries.RecentTraces(events, s.Since, s.Until, teamId, s.Model.ToUpperInvariant()[..3] + "*", false, 20));
        yield return ("recent traces of a provider by wildcard", TraceQueries.RecentTraces(events, s.Since, s.Until, teamId, null, false, 20, "OPEN*"));
        yield return ("models used", TraceQueries.NamesUsed(events, false, s.Since, s.Until, teamId));
        yield return ("providers used", TraceQueries.NamesUsed(events, true, s.Since, s.Until, teamId));
        yield return ("table readable", ConnectionQueries.TableReadable(events));
        yield return ("teams of recent events", ConnectionQueries.RecentTeams(events));
        yield return ("any event", EventQueries.HasAnyEvent(events));
        yield return ("newest event", EventQueries.NewestEventTime(events));
        yield return ("a statement normalized", UserStatement.Normalize("select 1"));
    }
}
