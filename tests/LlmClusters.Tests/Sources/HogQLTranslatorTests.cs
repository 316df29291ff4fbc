using LlmClusters.Core.Queries;

namespace LlmClusters.Tests.Sources;

public sealed class HogQLTranslatorTests
{
    [Fact]
    public void Placeholders_lose_their_types_and_lists_unfold()
    {
        var query = new SqlQuery("Q", "SELECT x FROM `events` WHERE event IN {events:Array(String)} AND has({ids:Array(String)}, y) AND timestamp >= {since:DateTime64(6, 'UTC')} AND n = {n:Int64}",
            new Dictionary<string, object?>
            {
                ["events"] = new[] { "a", "b" }, ["ids"] = new[] { "x'y" }, ["since"] = new DateTime(2026, 3, 1, 2, 3, 4, DateTimeKind.Utc), ["n"] = 5L,
            });
        var hogql = HogQLTranslator.Translate(query);
        Assert.Equal("SELECT x FROM `events` WHERE event IN ({events_0}, {events_1}) AND has([{ids_0}], y) AND timestamp >= toDateTime({since}) AND n = {n}", hogql.Text);
        Assert.Equal("a", hogql.Values["events_0"]);
        Assert.Equal("x'y", hogql.Values["ids_0"]);
        Assert.Equal("2026-03-01T02:03:04.000000Z", hogql.Values["since"]);
        Assert.Equal(5L, hogql.Values["n"]);
    }

    [Fact]
    public void ClickHouse_names_become_HogQLs_and_GLOBAL_goes()
    {
        var query = new SqlQuery("Q", "SELECT accurateCastOrNull(f(a, 'b,c'), 'Int64') AS i, accurateCastOrNull(x, 'Float64') AS d, accurateCastOrNull(x, 'UUID') AS u, " +
            "parseDateTime64BestEffortOrNull(s, 6, 'UTC') AS t FROM a GLOBAL INNER JOIN b ON a.k = b.k WHERE k GLOBAL IN (SELECT k FROM c)");
        Assert.Equal("SELECT toInt(f(a, 'b,c')) AS i, toFloat(x) AS d, accurateCastOrNull(x, 'UUID') AS u, toDateTime(s) AS t FROM a INNER JOIN b ON a.k = b.k WHERE k IN (SELECT k FROM c)",
            HogQLTranslator.Translate(query).Text);
    }

    [Fact]
    public void A_page_keeps_the_querys_own_order_and_limit()
    {
        var page = HogQLTranslator.Page(new HogQLQuery("Q", "SELECT x FROM t ORDER BY x LIMIT {first}", new Dictionary<string, object?> { ["first"] = 3 }), 50_000, 100_000);
        Assert.Equal("SELECT * FROM (\nSELECT x FROM t ORDER BY x LIMIT {first}\n)\nLIMIT {hogql_page_limit} OFFSET {hogql_page_offset}", page.Text);
        Assert.Equal(50_000, page.Values[HogQLTranslator.LimitValue]);
        Assert.Equal(100_000L, page.Values[HogQLTranslator.OffsetValue]);
    }

    [Fact]
    public void A_missing_value_is_refused_before_anything_is_sent()
    {
        Assert.Equal(456, Assert.Throws<AnalyticsQueryException>(() => HogQLTranslator.Translate(new SqlQuery("Q", "SELECT {x:String}"))).Code);
    }
}
