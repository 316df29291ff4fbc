using System.Text.RegularExpressions;

namespace LlmClusters.Tests.Architecture;

/// <summary>
/// Rules of the code's structure, checked on its text so that a change that breaks one fails the build, not a review
/// (docs/architecture.md says why each holds).
/// </summary>
public sealed class SourceRulesTests
{
    private static readonly string Src = Path.GetDirectoryName(Repository.File("LlmClusters.Pwsh.sln"))! + "/src";

    /// <summary>Every C# file of src/, with its path from src/ and its text.</summary>
    private static IEnumerable<(string Path, string Text)> Files() =>
        Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/bin/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(Src, f), File.ReadAllText(f)));

    // The three sources, and the enum they name themselves by.
    private static readonly string[] SourceFiles =
    [
        "LlmClusters.Core/Sources/EmbeddedSource.cs", "LlmClusters.ClickHouse/ClickHouseServerSource.cs",
        "LlmClusters.PostHog/PostHogApiSource.cs", "LlmClusters.Core/Sources/AnalyticsSourceKind.cs",
    ];

    [Fact]
    public void Nothing_outside_the_sources_asks_which_source_it_has()
    {
        var asking = Files().Where(f => !SourceFiles.Contains(f.Path) && Regex.IsMatch(f.Text, @"AnalyticsSourceKind\.\w+")).Select(f => f.Path);
        Assert.Empty(asking);
    }

    [Fact]
    public void Times_are_made_utc_in_one_place()
    {
        var making = Files().Where(f => f.Path != "LlmClusters.Core/Model/UtcTime.cs" && Regex.IsMatch(f.Text, @"SpecifyKind\(|\.ToUniversalTime\(\)")).Select(f => f.Path);
        Assert.Empty(making);
    }

    [Fact]
    public void No_source_file_is_over_500_lines()
    {
        var longFiles = Files().Select(f => (f.Path, Lines: f.Text.Split('\n').Length)).Where(f => f.Lines > 500).Select(f => $"{f.Path}: {f.Lines}");
        Assert.Empty(longFiles);
    }

    [Fact]
    public void PowerShell_wildcards_are_translated_once()
    {
        // PowerShell's own WildcardPattern (for paths) is PowerShell's; the module's translation lives in Model/Wildcard.cs.
        var translating = Files().Where(f => f.Path != "LlmClusters.Core/Model/Wildcard.cs" && Regex.IsMatch(f.Text, @"case '\*'")).Select(f => f.Path);
        Assert.Empty(translating);
    }

    [Fact]
    public void The_team_filter_is_written_once()
    {
        var filtering = Files().Where(f => f.Path != "LlmClusters.Core/Queries/TeamFilter.cs" && Regex.IsMatch(f.Text, @"AND team_id\s*=|parameters\[""team_id""\]")).Select(f => f.Path);
        Assert.Empty(filtering);
        Assert.Contains(Files(), f => f.Text.Contains("TeamFilter.Condition(", StringComparison.Ordinal));
    }

    [Fact]
    public void A_runs_day_is_decided_in_one_place()
    {
        // Where a run's event is looked for: the UTC day its id names and the grace after it (ClusterRunId.EventSearchEnd).
        var deciding = Files().Where(f => f.Path != "LlmClusters.Core/Model/ClusterRunId.cs" && Regex.IsMatch(f.Text, @"DayStart\.AddDays|DayGrace")).Select(f => f.Path);
        Assert.Empty(deciding);
    }
}
