using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;
using LlmClusters.Tests.Sources;

namespace LlmClusters.Tests.Queries;

/// <summary>
/// Every query the module can send to PostHog, in every shape its cmdlets and parameters give it, as it is sent (HogQL,
/// paged), checked by PostHog's own parser and function table (<see cref="HogQLChecker"/>, tests/hogql): a shape PostHog
/// would refuse fails here, not in a user's session.
/// </summary>
public sealed class HogQLAcceptanceTests
{
    private static readonly EventsTable Events = EventsTable.Default;
    private static readonly DateTime Since = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Until = new(2026, 3, 8, 0, 0, 0, DateTimeKind.Utc);
    private static readonly ClusterRunId TraceRun = ClusterRunId.Parse("2_trace_20260308_000000_5b2d0a4e-35a4-4c1a-9d4c-6c1f2d3e4f50");
    private static readonly ClusterRunId GenerationRun = ClusterRunId.Parse("2_generation_20260308_000000");

    // On PostHog the connection has no team: HogQL scopes every query to the project.
    public static TheoryData<string, SqlQuery> Queries()
    {
        var data = new TheoryData<string, SqlQuery>();
        void Add(string shape, SqlQuery query) => data.Add(shape, query);

        Add("runs", ClusterQueries.ListRuns(Events, new RunFilter { Since = Since, Until = Until }));
        Add("runs by level, ids, jobs and name", ClusterQueries.ListRuns(Events, new RunFilter
        {
            Since = Since, Until = Until, Level = ClusterLevel.generation, RunIds = [TraceRun.RunId, GenerationRun.RunId], JobIds = ["a", "b"], JobNamePattern = "default%", First = 5,
        }));
        foreach (var run in new[] { TraceRun, GenerationRun })
        {
            var level = run.Level;
            Add($"{level} clusters", ClusterQueries.RunClusters(Events, run, null));
            Add($"{level} items", ClusterQueries.ClusterItems(Events, run, null, null, null));
            Add($"{level} items of clusters, top 3", ClusterQueries.ClusterItems(Events, run, null, [0, -1], 3));
            foreach (var items in new long[] { 1_500, MetricsQueries.MembershipFilterLimit + 1 })
                foreach (var by in Enum.GetValues<MetricsDimension>())
                    foreach (var definition in Enum.GetValues<MetricsDefinition>())
                        Add($"{level} metrics, {items} items, by {by}, {definition}", MetricsQueries.ClusterMetrics(Events, run, Since, Until, null, items, by, definition));
            Add($"{level} metrics per item", MetricsQueries.ItemMetrics(Events, run, Since, Until, null, 1_500, null));
            Add($"{level} metrics per item of clusters, large run", MetricsQueries.ItemMetrics(Events, run, Since, Until, null, MetricsQueries.MembershipFilterLimit + 1, [0, 2]));
            Add($"{level} membership metrics", MetricsQueries.MembershipMetrics(Events, level, Since, Until, null, [0, 0, 1], ["a", "b", "c"]));
            Add($"{level} sample", ClusteringQueries.SampleItems(Events, level, Since, Until, null, 1500, 7, null));
            Add($"{level} sample with a filter", ClusteringQueries.SampleItems(Events, level, Since, Until, null, 1500, 7, [new("$ai_model", "gpt-4o"), new("$ai_provider", "openai")]));
        }
        Add("jobs seen on runs", ClusterQueries.JobsSeenOnRuns(Events, Since, Until, null));
        Add("shared items", ComparisonQueries.SharedItems(Events, TraceRun, ClusterRunId.Parse("2_trace_20260301_000000"), null));
        Add("trace events", TraceQueries.TraceEvents(Events, ["t1", "t2"], Since, Until, null));
        Add("trace totals", TraceQueries.TraceTotals(Events, ["t1"], Since, Until, null));
        Add("recent traces", TraceQueries.RecentTraces(Events, Since, Until, null, null, false, 20));
        Add("recent failing traces of a model", TraceQueries.RecentTraces(Events, Since, Until, null, "gpt-4o", true, 20));
        Add("table readable", ConnectionQueries.TableReadable(Events));
        Add("any event", EventQueries.HasAnyEvent(Events));
        Add("newest event", EventQueries.NewestEventTime(Events));
        return data;
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public void PostHog_accepts(string shape, SqlQuery query)
    {
        var sent = HogQLTranslator.Page(HogQLTranslator.Translate(query), HogQLTranslator.MaxPageSize, 0);
        Assert.True(HogQLChecker.Refusal(sent.Text) is null, $"{shape} ({query.Name}): {HogQLChecker.Refusal(sent.Text)}\n{sent.Text}");
    }

    [Theory]
    [InlineData("SELECT quantileExact(0.95)(x) FROM events", "Unsupported function call 'quantileExact(...)'")]
    [InlineData("SELECT any(team_id) AS team_id FROM events", "reserved keyword")]
    [InlineData("SELECT sumIf(x) FROM events", "Aggregation 'sumIf' expects 2 arguments, found 1")]
    [InlineData("SELECT sum(count()) FROM events", "cannot be nested inside another aggregation")]
    [InlineData("SELECT a FROM t LIMIT 1 BY a LIMIT 2 BY b", "no viable alternative")]
    public void The_checker_refuses_what_PostHog_refuses(string hogql, string because) =>
        Assert.Contains(because, HogQLChecker.Refusal(hogql));
}
