# Every example in the cmdlets' help runs, pasted as a user would, on the demo data (tests/pester/Run-HelpExamples.ps1).
BeforeDiscovery {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
    $script:Examples = foreach ($command in Get-Command -Module LlmClusters -CommandType Cmdlet | Sort-Object Name) {
        $number = 0
        foreach ($example in (Get-Help $command.Name -Examples).examples.example) {
            $number++
            @{ Command = $command.Name; Number = $number; Title = ($example.title -replace '^-+ | -+$', '') }
        }
    }
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestSource.ps1')
    $script:Endpoint = Start-Endpoint -TraceCount 300 -Seed 4
    $script:Work = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-examples-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory (Join-Path $script:Work 'data'), (Join-Path $script:Work 'cwd') | Out-Null
    $resultPath = Join-Path $script:Work 'results.json'
    $info = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-File', (Join-Path $PSScriptRoot 'Run-HelpExamples.ps1'),
        '-ResultPath', $resultPath, '-Port', $script:Endpoint.Port, '-PostHogPort', $script:Endpoint.PostHogPort, '-ApiKey', $script:EndpointApiKey,
        '-WorkFolder', (Join-Path $script:Work 'cwd')) { $info.ArgumentList.Add([string]$argument) }
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    $info.RedirectStandardError = $true
    $info.Environment['LLMCLUSTERS_CHDB_LIBRARY'] = $env:LLMCLUSTERS_TEST_ENGINE
    $info.Environment['LLMCLUSTERS_TEST_MODULE'] = $env:LLMCLUSTERS_TEST_MODULE
    # Its own per-user data folder: Connect-LlmAnalytics -Demo builds the demo there, never in the user's.
    $info.Environment['XDG_DATA_HOME'] = Join-Path $script:Work 'data'
    $process = [Diagnostics.Process]::Start($info)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    if (-not $process.WaitForExit(600000)) { $process.Kill($true); throw 'The help examples did not finish within ten minutes.' }
    if (-not (Test-Path $resultPath)) { throw "The help examples did not run: $($stderr.Result) $($stdout.Result)" }
    $script:Results = Get-Content $resultPath -Raw | ConvertFrom-Json
    if ($env:LLMCLUSTERS_TEST_OUTPUT) { Copy-Item $resultPath (Join-Path $env:LLMCLUSTERS_TEST_OUTPUT 'help-examples.json') }
}

AfterAll {
    Stop-Endpoint $script:Endpoint
    Remove-Item $script:Work -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'Help examples' {
    It '<Command> example <Number> runs: <Title>' -ForEach $script:Examples {
        $result = $script:Results | Where-Object { $_.Command -eq $Command -and $_.Number -eq $Number }
        $result | Should -Not -BeNullOrEmpty
        $result.Passed | Should -BeTrue -Because "$($result.Code)`n failed with $($result.Output)"
    }
}
