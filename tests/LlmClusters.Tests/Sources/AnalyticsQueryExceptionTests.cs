using LlmClusters.Core.Queries;

namespace LlmClusters.Tests.Sources;

public sealed class AnalyticsQueryExceptionTests
{
    [Fact]
    public void Reads_code_name_and_message_from_clickhouse_text()
    {
        var e = AnalyticsQueryException.FromClickHouseText("Q",
            "Code: 60. DB::Exception: Unknown table expression identifier 'nope' in scope SELECT * FROM nope. (UNKNOWN_TABLE) (version 26.5.3.1 (official build))\n");

        Assert.Equal(60, e.Code);
        Assert.Equal("UNKNOWN_TABLE", e.ErrorName);
        Assert.Equal("Unknown table expression identifier 'nope' in scope SELECT * FROM nope.", e.Message);
    }

    [Fact]
    public void Keeps_other_text_whole()
    {
        var e = AnalyticsQueryException.FromClickHouseText("Q", "connection reset");
        Assert.Equal(0, e.Code);
        Assert.Equal("connection reset", e.Message);
    }
}
