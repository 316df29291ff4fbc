using System.Management.Automation;

namespace LlmClusters.Tests.Cmdlets;

[Collection(EngineCollectionDefinition.Name)]
public sealed class InvokeLlmQueryCommandTests(EngineFixture engine) : IDisposable
{
    private readonly HostedPowerShell _shell = new();

    public void Dispose() => _shell.Dispose();

    [Fact]
    public void Rows_come_out_as_objects_with_a_typed_property_per_column()
    {
        var (output, errors, _) = _shell.Run($$"""
            Connect-LlmAnalytics -Path '{{engine.DataPath}}'
            Invoke-LlmQuery 'SELECT number AS n, toString(number) AS s FROM numbers(3) WHERE number >= {min:UInt64}' -Parameter @{ min = 1 }
            """);

        Assert.Empty(errors);
        Assert.Equal(2, output.Count);
        Assert.Equal(1UL, output[0].Properties["n"].Value);
        Assert.Equal("2", output[1].Properties["s"].Value);
        Assert.Equal(["n", "s"], output[0].Properties.Select(p => p.Name));
    }

    [Fact]
    public void Each_statement_is_shown_under_verbose()
    {
        var (_, _, verbose) = _shell.Run($"Connect-LlmAnalytics -Path '{engine.DataPath}'; Invoke-LlmQuery 'SELECT 42 AS answer' -Verbose");

        Assert.Contains(verbose, v => v.Contains("SELECT 42 AS answer"));
        Assert.Contains(verbose, v => v.StartsWith("InvokeLlmQuery: 1 row(s) in "));
    }

    [Fact]
    public void A_database_error_is_one_terminating_error_with_id_and_category()
    {
        var (output, errors, _) = _shell.Run($"Connect-LlmAnalytics -Path '{engine.DataPath}'; try {{ Invoke-LlmQuery 'SELECT nope(' -ErrorAction Stop }} catch {{ $_ }}");

        Assert.Empty(errors);
        var error = Assert.IsType<ErrorRecord>(Assert.Single(output).BaseObject);
        Assert.Equal("SqlSyntaxError,LlmClusters.Commands.InvokeLlmQueryCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
    }
}
