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
    public void The_cmdlet_projects_namespaces_form_no_cycle()
    {
        // Read from each file's namespace and using directives (types of the project's own namespaces are never
        // written fully qualified there). The core's layers get the same rule once its namespaces point one way.
        var edges = Files().Where(f => f.Path.StartsWith("LlmClusters/", StringComparison.Ordinal))
            .Select(f => (From: Regex.Match(f.Text, @"^namespace (LlmClusters\.[\w.]+);", RegexOptions.Multiline).Groups[1].Value,
                To: Regex.Matches(f.Text, @"^using (LlmClusters\.(?!Core)[\w.]+);", RegexOptions.Multiline).Select(m => m.Groups[1].Value)))
            .SelectMany(f => f.To.Where(t => t != f.From).Select(t => (f.From, To: t)))
            .Distinct().ToList();
        Assert.Contains(edges, e => e.From == "LlmClusters.Commands");   // the graph was read

        var cycles = edges.Where(e => Reaches(edges, e.To, e.From)).Select(e => $"{e.From} -> {e.To}").ToList();
        Assert.Empty(cycles);
    }

    private static bool Reaches(List<(string From, string To)> edges, string start, string goal)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var next = new Stack<string>([start]);
        while (next.TryPop(out var at))
        {
            if (at == goal) return true;
            if (!seen.Add(at)) continue;
            foreach (var edge in edges.Where(e => e.From == at)) next.Push(edge.To);
        }
        return false;
    }
}
