using System.Text.RegularExpressions;
using LlmClusters.Core.Queries;
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

    [Fact]
    public void Every_core_failure_kind_is_an_error_the_module_lists()
    {
        var ids = ErrorKinds.All.Select(k => k.Id).ToHashSet(StringComparer.Ordinal);
        Assert.All(Enum.GetValues<Core.Model.FailureKind>(), kind => Assert.Contains(kind.ToString(), ids));
    }

    [Fact]
    public void Every_project_exception_derives_from_the_one_base()
    {
        var assemblies = new[] { typeof(Core.Model.LlmClustersException).Assembly, typeof(ErrorMapper).Assembly,
            typeof(ClickHouse.ClickHouseServerSource).Assembly, typeof(PostHog.PostHogApiSource).Assembly };
        var exceptions = assemblies.SelectMany(a => a.GetTypes()).Where(t => typeof(Exception).IsAssignableFrom(t)).ToList();
        Assert.NotEmpty(exceptions);
        Assert.All(exceptions, t => Assert.True(typeof(Core.Model.LlmClustersException).IsAssignableFrom(t), t.FullName));
    }

    [Theory]
    [InlineData("Code: 62. DB::Exception: Syntax error: failed at position 8 (SYNTAX_ERROR) (version 26.5.3.1)", 0, "SqlSyntaxError")]
    [InlineData("Code: 60. DB::Exception: Unknown table expression identifier 'nope' in scope SELECT 1 FROM nope. (UNKNOWN_TABLE)", 0, "TableNotFound")]
    [InlineData("Code: 164. DB::Exception: Cannot execute query in readonly mode. (READONLY)", 0, "SourceReadOnly")]
    [InlineData("text the driver gave without ClickHouse's form", 159, "QueryTimeout")]
    [InlineData("text the driver gave without ClickHouse's form", 0, "QueryFailed")]
    public void A_ClickHouse_failure_becomes_its_error_by_kind(string text, int headerCode, string errorId)
    {
        var failure = AnalyticsQueryException.FromClickHouseText("Q", text, headerCode);
        var record = ErrorMapper.ToErrorRecord(failure, "target");
        Assert.Equal(errorId, record.FullyQualifiedErrorId);
    }
}
