using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Tests.Sources;

namespace LlmClusters.Tests.Queries;

/// <summary>
/// Every query the module can send to PostHog, in every shape its cmdlets and parameters give it, as it is sent (HogQL,
/// paged), checked by PostHog's own parser and function table (<see cref="HogQLChecker"/>, tests/hogql): a shape PostHog
/// would refuse fails here, not in a user's session.
/// </summary>
public sealed class HogQLAcceptanceTests
{
    // Made-up subjects: PostHog's parser checks the text, not the data.
    private static readonly QueryCatalog.Subjects Subjects = new(
        new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 3, 8, 0, 0, 0, DateTimeKind.Utc),
        ClusterRunId.Parse("2_trace_20260308_000000_5b2d0a4e-35a4-4c1a-9d4c-6c1f2d3e4f50"), ClusterRunId.Parse("2_generation_20260308_000000"),
        ClusterRunId.Parse("2_trace_20260301_000000"), ["t1", "t2"], [(0, "a"), (0, "b"), (1, "c")], "gpt-4o");

    // On PostHog the connection has no team: HogQL scopes every query to the project. Two statements never reach
    // PostHog: Connect-LlmAnalytics counts teams on ClickHouse servers only, and Invoke-LlmQuery normalizes a statement
    // on ClickHouse sources only (PostHog parses a user's HogQL itself).
    private static readonly string[] ClickHouseOnly = ["NormalizeStatement", nameof(ConnectionQueries.RecentTeams)];

    public static TheoryData<string, SqlQuery> Queries()
    {
        var data = new TheoryData<string, SqlQuery>();
        foreach (var (shape, query) in QueryCatalog.Every(EventsTable.Default with { Columns = PropertyColumns.ChosenBySource }, Subjects).Where(q => !ClickHouseOnly.Contains(q.Query.Name)))
            data.Add(shape, query);
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
