using LlmClusters.Core.Model;

namespace LlmClusters.Tests.Model;

public sealed class ClusterRunIdTests
{
    [Fact]
    public void Reads_a_run_id_with_level_job_and_label()
    {
        var id = ClusterRunId.Parse("112495_generation_20260121_033113_019d92dc-3657-70b0-9a46-8c89b4a56b3c_experiment_v2");

        Assert.Equal(112495, id.TeamId);
        Assert.Equal(ClusterLevel.generation, id.Level);
        Assert.Equal(new DateTime(2026, 1, 21, 3, 31, 13, DateTimeKind.Utc), id.WindowEnd);
        Assert.Equal(new DateTime(2026, 1, 21, 0, 0, 0, DateTimeKind.Utc), id.DayStart);
        Assert.Equal(new DateTime(2026, 1, 21, 23, 59, 59, DateTimeKind.Utc).AddTicks(9999990), id.DayEnd);
        Assert.Equal("019d92dc-3657-70b0-9a46-8c89b4a56b3c", id.JobId);
        Assert.Equal("experiment_v2", id.RunLabel);
        Assert.False(id.IsLegacy);
    }

    [Fact]
    public void Reads_a_label_without_a_job()
    {
        var id = ClusterRunId.Parse("2_trace_20260122_000043_manual");
        Assert.Null(id.JobId);
        Assert.Equal("manual", id.RunLabel);
    }

    [Fact]
    public void Reads_the_old_format_as_a_trace_run()
    {
        var id = ClusterRunId.Parse("2_20260122_000043");

        Assert.True(id.IsLegacy);
        Assert.Equal(ClusterLevel.trace, id.Level);
        Assert.Equal(2, id.TeamId);
        Assert.Equal(new DateTime(2026, 1, 22, 0, 0, 43, DateTimeKind.Utc), id.WindowEnd);
        Assert.Null(id.JobId);
        Assert.Null(id.RunLabel);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-run")]
    [InlineData("abc_trace_20260122_000043")]
    [InlineData("1_banana_20260122_000043")]
    [InlineData("1_trace_20261322_000043")]
    [InlineData("1_trace_20260122")]
    [InlineData("1_trace_20260122_250000")]
    [InlineData("1_trace_20260122_000043_")]
    public void Refuses_what_is_not_a_run_id(string value)
    {
        Assert.False(ClusterRunId.TryParse(value, out _, out var problem));
        Assert.Contains("Get-ClusterRun", problem);
    }
}
