using LlmClusters.Core.Queries;

namespace LlmClusters.Tests.Queries;

public sealed class QueryParameterFormatterTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("line\nbreak\ttab", "line\\nbreak\\ttab")]
    [InlineData("it's", "it's")]
    public void Strings_are_escaped_for_clickhouse_parameter_parsing(string value, string expected) =>
        Assert.Equal(expected, QueryParameterFormatter.Format(value));

    [Fact]
    public void Arrays_quote_their_items()
    {
        Assert.Equal("['a','it\\'s','back\\\\slash']", QueryParameterFormatter.Format(new[] { "a", "it's", "back\\slash" }));
        Assert.Equal("[1,2,3]", QueryParameterFormatter.Format(new[] { 1, 2, 3 }));
    }

    [Fact]
    public void Times_are_sent_in_utc_with_microseconds_only_when_present()
    {
        var local = new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.FromHours(2));
        Assert.Equal("2026-03-28 10:00:00", QueryParameterFormatter.Format(local));
        Assert.Equal("2026-03-28 10:00:00.000001", QueryParameterFormatter.Format(new DateTime(2026, 3, 28, 10, 0, 0, DateTimeKind.Utc).AddTicks(10)));
    }

    [Fact]
    public void Scalars_use_invariant_forms()
    {
        Assert.Equal("true", QueryParameterFormatter.Format(true));
        Assert.Equal("1.5", QueryParameterFormatter.Format(1.5));
        Assert.Equal("\\N", QueryParameterFormatter.Format(null));
        Assert.Equal("00000000-0000-4000-8000-000000000001", QueryParameterFormatter.Format(Guid.Parse("00000000-0000-4000-8000-000000000001")));
    }
}
