using LlmClusters.Core.Model;
using LlmClusters.Core.Sessions;

namespace LlmClusters.Tests.Clusters;

/// <summary>The connection's memory of runs: bounded, expiring, and handing out copies.</summary>
public sealed class RunClustersCacheTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static RunClusters Run(int n)
    {
        var id = $"1_trace_20261129_00{n / 60:00}{n % 60:00}";
        return new RunClusters(new ClusterRun { RunId = id, Level = ClusterLevel.trace, UiUrl = "u" },
            [new LlmCluster { RunId = id, Level = ClusterLevel.trace, ClusterId = 0, Title = "t" + n, UiUrl = "u" }], []);
    }

    [Fact]
    public void Forgets_a_run_after_its_lifetime()
    {
        var clock = new Clock();
        var cache = new RunClustersCache(clock);
        cache.Remember(Run(1), measured: false);

        clock.Now += RunClustersCache.Lifetime - TimeSpan.FromSeconds(1);
        Assert.True(cache.TryGet(ClusterRunId.Parse(Run(1).Run.RunId), measured: false, out _));
        clock.Now += TimeSpan.FromSeconds(2);
        Assert.False(cache.TryGet(ClusterRunId.Parse(Run(1).Run.RunId), measured: false, out _));
    }

    [Fact]
    public void Keeps_at_most_its_capacity_dropping_the_least_recently_used()
    {
        var cache = new RunClustersCache(new Clock());
        for (var i = 0; i < RunClustersCache.Capacity; i++) cache.Remember(Run(i), measured: false);
        Assert.True(cache.TryGet(ClusterRunId.Parse(Run(0).Run.RunId), measured: false, out _));   // 0 is now the most recent

        cache.Remember(Run(RunClustersCache.Capacity), measured: false);

        Assert.True(cache.TryGet(ClusterRunId.Parse(Run(0).Run.RunId), measured: false, out _));
        Assert.False(cache.TryGet(ClusterRunId.Parse(Run(1).Run.RunId), measured: false, out _));
        Assert.True(cache.TryGet(ClusterRunId.Parse(Run(RunClustersCache.Capacity).Run.RunId), measured: false, out _));
    }

    [Fact]
    public void Keeps_a_run_as_read_and_as_measured_apart_and_hands_out_copies()
    {
        var cache = new RunClustersCache(new Clock());
        var read = Run(1);
        var measured = read with { Clusters = [read.Clusters[0] with { ErrorRate = 0.5, MetricsSource = MetricsSource.Computed }] };
        cache.Remember(read, measured: false);
        Assert.False(cache.TryGet(ClusterRunId.Parse(read.Run.RunId), measured: true, out _));
        cache.Remember(measured, measured: true);

        Assert.True(cache.TryGet(ClusterRunId.Parse(read.Run.RunId), measured: true, out var back));
        Assert.Equal(0.5, back.Clusters[0].ErrorRate);
        Assert.NotSame(measured.Clusters[0], back.Clusters[0]);
        Assert.True(cache.TryGet(ClusterRunId.Parse(read.Run.RunId), measured: false, out var asRead));
        Assert.Null(asRead.Clusters[0].ErrorRate);

        // Read again (it may have been written again), the run's figures are measured again too.
        cache.Remember(read, measured: false);
        Assert.False(cache.TryGet(ClusterRunId.Parse(read.Run.RunId), measured: true, out _));

        cache.Clear();
        Assert.False(cache.TryGet(ClusterRunId.Parse(read.Run.RunId), measured: false, out _));
    }
}
