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
    public async Task A_command_run_for_each_row_of_a_long_result_gets_the_engine()
    {
        // The engine serves one statement at a time: the rest of the outer result waits in memory while the inner
        // statements run, instead of the two waiting for each other forever.
        var run = Task.Run(() => _shell.Run($$"""
            Connect-LlmAnalytics -Path '{{engine.DataPath}}'
            Invoke-LlmQuery 'SELECT number FROM numbers(400000)' | ForEach-Object { if ($_.number % 100000 -eq 0) { (Invoke-LlmQuery 'SELECT {n:UInt64} * 2 AS twice' -Parameter @{ n = $_.number }).twice } }
            """));

        Assert.Same(run, await Task.WhenAny(run, Task.Delay(TimeSpan.FromMinutes(3))));   // else the inner statements waited for the engine
        var (output, errors, _) = await run;
        Assert.Empty(errors);
        Assert.Equal(new ulong[] { 0, 200_000, 400_000, 600_000 }, output.Select(o => Convert.ToUInt64(o.BaseObject)));
    }

    [Fact]
    public void The_first_rows_come_before_the_statement_has_run_to_its_end()
    {
        // Streamed, the statement is stopped once three rows are taken, long before it would reach the row that fails;
        // held whole, it would have failed before the first row came out.
        var (output, errors, _) = _shell.Run($"""
            Connect-LlmAnalytics -Path '{engine.DataPath}'
            Invoke-LlmQuery 'SELECT number, throwIf(number = 9999999) AS boom FROM numbers(10000000)' | Select-Object -First 3
            Invoke-LlmQuery 'SELECT 42 AS answer'
            """);

        Assert.Empty(errors);
        Assert.Equal([0UL, 1UL, 2UL], output.Take(3).Select(o => (ulong)o.Properties["number"].Value));
        Assert.Equal(42, Convert.ToInt32(output[3].Properties["answer"].Value));
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
