using LlmClusters.Core.Queries;

namespace LlmClusters.Tests.Queries;

/// <summary>
/// What Invoke-LlmQuery sends to PostHog: HogQL has only queries, so any other statement is refused by the module as a
/// write to a read-only project (checked here by the text PostHog would see).
/// </summary>
public sealed class UserStatementTests
{
    [Theory]
    [InlineData("SELECT 1", true)]
    [InlineData("  select count() from events", true)]
    [InlineData("WITH x AS (SELECT 1) SELECT * FROM x", true)]
    [InlineData("-- newest first\nSELECT event FROM events", true)]
    [InlineData("/* a note */ (SELECT 1)", true)]
    [InlineData("INSERT INTO events (event) VALUES ('x')", false)]
    [InlineData("DROP TABLE events", false)]
    [InlineData("-- SELECT\nDELETE FROM events WHERE 1", false)]
    [InlineData("SELECTED", false)]
    [InlineData("", false)]
    public void Only_queries_are_HogQL_queries(string hogql, bool query) => Assert.Equal(query, UserStatement.IsHogQLQuery(hogql));
}
