using LlmClusters.Core.Model;

namespace LlmClusters.Tests.Model;

public sealed class UtcTimeTests
{
    [Fact]
    public void A_time_without_a_zone_is_read_as_utc_and_one_with_a_zone_is_converted()
    {
        var unspecified = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Unspecified);
        Assert.Equal(new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc), UtcTime.From(unspecified));
        Assert.Equal(DateTimeKind.Utc, UtcTime.From(unspecified).Kind);
        var local = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Local);
        Assert.Equal(local.ToUniversalTime(), UtcTime.From(local));
        var utc = new DateTime(2026, 3, 1, 10, 0, 0, DateTimeKind.Utc);
        Assert.Equal(utc, UtcTime.From(utc));
    }

    [Theory]
    [InlineData("2026-03-01 10:00:00.123456", "2026-03-01T10:00:00.1234560Z")]
    [InlineData("2026-03-01T10:00:00Z", "2026-03-01T10:00:00.0000000Z")]
    [InlineData("2026-03-01T12:00:00+02:00", "2026-03-01T10:00:00.0000000Z")]
    public void Text_is_parsed_as_utc_unless_it_names_its_zone(string text, string expected)
    {
        Assert.True(UtcTime.TryParse(text, out var parsed));
        Assert.Equal(DateTimeKind.Utc, parsed.Kind);
        Assert.Equal(expected, parsed.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(UtcTime.TryParse("not a time", out _));
        Assert.Throws<FormatException>(() => UtcTime.Parse("not a time"));
    }
}
