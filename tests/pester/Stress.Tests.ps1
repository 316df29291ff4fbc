# Hundreds of statements in one process, as a long session or a runbook host makes them: the README's pipelines
# between failing, timed-out and cancelled statements, each followed by a check that the engine answers exactly.
# A hang here fails the run (each wait is bounded); a wrong row fails the assertion beside it.

BeforeAll {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
    $script:DataPath = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-stress-" + [guid]::NewGuid().ToString('N'))
    Connect-LlmAnalytics -Path $script:DataPath
    New-LlmDemoData -TraceCount 300 -Seed 8 -Confirm:$false | Out-Null

    # A second runspace of this process, for statements that are stopped as Ctrl+C stops them.
    $script:Other = [powershell]::Create()
    $null = $script:Other.AddScript("Import-Module '$env:LLMCLUSTERS_TEST_MODULE'; Connect-LlmAnalytics -Path '$script:DataPath'").Invoke()

    $script:Pipelines = @(
        { Get-ClusterRun }
        { Get-LlmCluster | Sort-Object Size -Descending }
        { Get-LlmCluster -ExcludeNoise | Sort-Object ErrorRate -Descending | Select-Object -First 1 | Get-ClusterItem -Top 3 | Get-LlmTrace | Format-LlmTrace }
        { Measure-ClusterMetrics | Sort-Object TotalCost -Descending | Select-Object Title, TotalCost, CostShare, AvgLatency, P95Latency }
        { Get-ClusterRun -Since (Get-Date).AddDays(-7) | Get-LlmCluster }
        { Get-LlmTrace -Since (Get-Date).AddDays(-30) -First 5 }
    )
}

AfterAll {
    $script:Other.Dispose()
    Disconnect-LlmAnalytics
    Remove-Item $script:DataPath -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'A long session of mixed statements' {
    It 'answers every statement exactly, through failures, time limits and cancellations' {
        $expected = @{}
        for ($p = 0; $p -lt $script:Pipelines.Count; $p++) { $expected[$p] = (& $script:Pipelines[$p] | Out-String) }
        $random = [Random]::new(17)
        $statements = 0
        for ($i = 0; $i -lt 40; $i++) {
            $p = $i % $script:Pipelines.Count
            (& $script:Pipelines[$p] | Out-String) | Should -Be $expected[$p] -Because "pipeline $p, round $i"
            $statements++

            switch ($random.Next(3)) {
                0 { Invoke-LlmQuery "SELECT toString(throwIf(number = $($random.Next(1, 50)), 'boom')) AS s FROM numbers(100)" -ErrorAction SilentlyContinue }
                1 { Invoke-LlmQuery 'SELECT count() AS c FROM system.numbers' -TimeoutSeconds 1 -ErrorAction SilentlyContinue }
                2 {
                    $script:Other.Commands.Clear()
                    $null = $script:Other.AddScript("Invoke-LlmQuery 'SELECT count() AS c FROM system.numbers' -TimeoutSeconds 0")
                    $running = $script:Other.BeginInvoke()
                    Start-Sleep -Milliseconds $random.Next(20, 400)
                    $script:Other.Stop()
                    $running.AsyncWaitHandle.WaitOne(60000) | Should -BeTrue -Because "the cancelled statement of round $i ends"
                }
            }
            $statements++
            $n = $random.Next(1, 1000)
            $rows = @(Invoke-LlmQuery 'SELECT {n:UInt32} AS n, toString({n:UInt32}) AS s' -Parameter @{ n = $n })
            $rows.Count | Should -Be 1
            $rows[0].n | Should -Be $n
            $rows[0].s | Should -Be "$n"
            $statements++
        }
        $statements | Should -Be 120
    }
}
