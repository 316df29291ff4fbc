using System.Text.RegularExpressions;
using LlmClusters.Infrastructure;

namespace LlmClusters.Tests.Cmdlets;

public sealed class ErrorKindsTests
{
    [Fact]
    public void About_LlmClusters_lists_every_error_the_module_writes_with_its_category()
    {
        var about = File.ReadAllText(Repository.File(Path.Combine("docs", "about_LlmClusters.md")));
        var section = about[about.IndexOf("\nERRORS\n", StringComparison.Ordinal)..about.IndexOf("\nCONNECTIONS\n", StringComparison.Ordinal)];
        var listed = Regex.Matches(section, @"^    (?<id>[A-Z][A-Za-z]+) +(?<category>[A-Z][A-Za-z]+)  ", RegexOptions.Multiline)
            .Select(m => (m.Groups["id"].Value, m.Groups["category"].Value)).Where(e => e.Item1 != "Id").ToList();

        Assert.Equal(ErrorKinds.All.Select(k => (k.Id, k.Category.ToString())).Order(), listed.Order());
    }

    [Fact]
    public void Each_condition_has_its_own_id_and_a_recommended_action()
    {
        Assert.Equal(ErrorKinds.All.Count, ErrorKinds.All.Select(k => k.Id).Distinct().Count());
        Assert.All(ErrorKinds.All, k => Assert.False(string.IsNullOrWhiteSpace(k.RecommendedAction), k.Id));
        var record = ErrorMapper.ToErrorRecord(new Core.Clusters.RunNotFoundException("1_trace_20260101_000000", "here"), null);
        Assert.Equal(ErrorKinds.RunNotFound.RecommendedAction, record.ErrorDetails.RecommendedAction);
    }
}
