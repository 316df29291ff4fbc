using LlmClusters.Core.Comparison;
using LlmClusters.Core.Model;
using LlmClusters.Core.Sessions;

namespace LlmClusters.Tests.Comparison;

public sealed class AssignmentTests
{
    [Fact]
    public void Finds_the_cheapest_one_to_one_assignment_not_the_greedy_one()
    {
        // Greedy takes (0,0) at 1 and then pays 10; the best is (0,1) + (1,0) = 2 + 2.
        var cost = new double[,] { { 1, 2 }, { 2, 10 } };
        Assert.Equal([1, 0], Assignment.Solve(cost));
    }

    [Fact]
    public void Rectangular_matrices_leave_the_extra_rows_unassigned()
    {
        var cost = new double[,] { { 0.9, 0.1 }, { 0.2, 0.8 }, { 0.5, 0.5 } };
        var result = Assignment.Solve(cost);
        Assert.Equal(1, result[0]);
        Assert.Equal(0, result[1]);
        Assert.Equal(-1, result[2]);
    }
}

public sealed class TextSimilarityTests
{
    [Fact]
    public void Reworded_titles_are_alike_and_unrelated_ones_are_not()
    {
        Assert.Equal(1.0, TextSimilarity.Of("Login problems", "login PROBLEMS!"), 9);
        Assert.True(TextSimilarity.Of("Billing & refunds", "Refunds and billing") > 0.6);
        Assert.True(TextSimilarity.Of("Billing & refunds", "SQL generation") < 0.2);
        Assert.Equal(0, TextSimilarity.Of(null, "x"));
    }
}

[Collection(EngineCollectionDefinition.Name)]
public sealed class RunComparerTests(EngineFixture engine)
{
    private static readonly DateTime Start = new(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc);

    private static string[] Items(string prefix, int from, int to) => Enumerable.Range(from, to - from + 1).Select(i => prefix + i).ToArray();

    private async Task<IReadOnlyList<ClusterChange>> CompareAsync(string reference, string difference)
    {
        var source = await new EventWriter(engine.NewTable("compare"))
            .AddRun("1_trace_20260310_120000", "trace", Start, Start.AddHours(12),
                (0, "Billing and refunds", Items("a", 1, 40)), (1, "Login problems", Items("b", 1, 30)), (2, "SQL generation", Items("c", 1, 30)), (-1, "Outliers", Items("n", 1, 5)))
            // Same window: cluster 0 renamed with the same members, cluster 1 split in two, cluster 2 unchanged.
            .AddRun("1_trace_20260310_120000_rerun", "trace", Start, Start.AddHours(12),
                (0, "Refund requests and invoices", Items("a", 1, 40)), (1, "Login problems", Items("b", 1, 18)), (2, "Password reset links", Items("b", 19, 30)),
                (3, "SQL generation", Items("c", 1, 30)), (-1, "Outliers", Items("n", 1, 5)))
            // A later window: no items in common, so titles decide.
            .AddRun("1_trace_20260311_120000", "trace", Start.AddDays(1), Start.AddDays(1).AddHours(12),
                (0, "Login problems", Items("x", 1, 30)), (1, "Data export requests", Items("y", 1, 30)))
            .WriteAsync();
        return await new RunComparer(new LlmAnalyticsConnection(source))
            .CompareAsync(ClusterRunId.Parse(reference), ClusterRunId.Parse(difference), new ComparisonOptions(), CancellationToken.None);
    }

    [Fact]
    public async Task A_renamed_cluster_with_the_same_members_is_stable_and_a_split_is_one_shrunk_and_one_new()
    {
        var changes = await CompareAsync("1_trace_20260310_120000", "1_trace_20260310_120000_rerun");

        var renamed = Assert.Single(changes, c => c.ReferenceClusterId == 0);
        Assert.Equal("Stable", renamed.Status);
        Assert.Equal(0, renamed.DifferenceClusterId);
        Assert.Equal(1.0, renamed.MemberOverlap);
        Assert.True(renamed.TitleSimilarity < 0.5);

        var split = Assert.Single(changes, c => c.ReferenceClusterId == 1);
        Assert.Equal("Shrunk", split.Status);
        Assert.Equal(1, split.DifferenceClusterId);
        Assert.Equal(-12, split.SizeDelta);
        Assert.Equal(-40.0, split.SizeDeltaPercent!.Value, 9);

        var fresh = Assert.Single(changes, c => c.Status == "New");
        Assert.Equal(2, fresh.DifferenceClusterId);
        Assert.Null(fresh.ReferenceClusterId);

        Assert.Equal("Stable", Assert.Single(changes, c => c.ReferenceClusterId == 2).Status);
        Assert.Equal(3, Assert.Single(changes, c => c.ReferenceClusterId == 2).DifferenceClusterId);
        var noise = Assert.Single(changes, c => c.ReferenceClusterId == -1);
        Assert.Equal(-1, noise.DifferenceClusterId);
        Assert.Equal(5, changes.Count);   // four reference clusters matched, one new
    }

    [Fact]
    public async Task Without_shared_items_titles_decide_and_the_rest_vanishes()
    {
        var changes = await CompareAsync("1_trace_20260310_120000", "1_trace_20260311_120000");

        var login = Assert.Single(changes, c => c.ReferenceClusterId == 1);
        Assert.Equal(0, login.DifferenceClusterId);
        Assert.Null(login.MemberOverlap);
        Assert.Equal("Grown", login.Status);   // 30 of 105 items before, 30 of 60 after
        Assert.Contains(changes, c => c.Status == "Vanished" && c.ReferenceClusterId == 0);
        Assert.Contains(changes, c => c.Status == "Vanished" && c.ReferenceClusterId == -1);
        Assert.Contains(changes, c => c.Status == "New" && c.DifferenceTitle == "Data export requests");
    }
}
