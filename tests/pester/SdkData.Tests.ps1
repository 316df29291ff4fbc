# Events written by PostHog's real Node SDK (tests/sdk/make-fixture.mjs), as PostHog's S3 batch export writes them
# (no team_id), used as a new user would: imported, read, rendered, clustered and measured.
BeforeAll {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
    $script:Export = Join-Path $PSScriptRoot '../LlmClusters.Tests/Fixtures/sdk-export.jsonl'
    $times = Get-Content $script:Export | ForEach-Object { ([datetime]($_ | ConvertFrom-Json).timestamp).ToUniversalTime() } | Sort-Object
    $script:Since = $times[0].AddMinutes(-1)
    $script:Until = $times[-1].AddMinutes(1)
    $script:Folder = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-sdk-" + [guid]::NewGuid().ToString('N'))
    $script:Unstamped = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-sdk0-" + [guid]::NewGuid().ToString('N'))
}

AfterAll {
    Disconnect-LlmAnalytics
    Remove-Item $script:Folder, $script:Unstamped -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'An S3 batch export of SDK events' {
    It 'warns once, naming -TeamId, when the export names no team; a connection to another team says which the store holds' {
        Connect-LlmAnalytics -Path $script:Unstamped
        $result = Import-LlmEvent $script:Export -Confirm:$false -WarningVariable warnings -WarningAction SilentlyContinue
        $result.Teams | Should -Be 0
        $warnings.Count | Should -Be 1
        "$($warnings[0])" | Should -Match '-TeamId'

        Connect-LlmAnalytics -Path $script:Unstamped -TeamId 2
        @(Get-LlmTrace -Since $script:Since -Until $script:Until -WarningVariable found -WarningAction SilentlyContinue).Count | Should -Be 0
        "$found" | Should -Match 'no LLM events of team 2, only of team 0'
    }

    It 'is stamped with -TeamId and read as failures that say what went wrong, each counted once' {
        Connect-LlmAnalytics -Path $script:Folder -TeamId 2
        $result = Import-LlmEvent $script:Export -TeamId 2 -Confirm:$false -WarningVariable warnings
        $result.Teams | Should -Be 2
        $warnings.Count | Should -Be 0

        $failing = Get-LlmTrace -Since $script:Since -Until $script:Until -ErrorOnly -First 100
        $failing.Count | Should -Be 6
        $failing | ForEach-Object { $_.ErrorCount | Should -Be 1 }
        $lines = $failing | Get-LlmTrace | Format-LlmTrace -Width 80
        $lines | Should -Contain '   ERROR: HTTP 529: Overloaded'
        @($lines | Where-Object { $_ -match 'ERROR: HTTP 429: Rate limit reached for gpt-4o-mini' }).Count | Should -Be 1
        $lines | Where-Object Length -gt 80 | Should -BeNullOrEmpty
        $lines | Where-Object { $_ -match '\{"name":"Error"' } | Should -BeNullOrEmpty

        $event = ($failing | Get-LlmTrace).Events | Where-Object HttpStatus -eq 529
        $event.Error | Should -Be 'Overloaded'
        ($event.ErrorDetail | ConvertFrom-Json).stack | Should -Match '^Error: 529'
    }

    It 'writes each trace once however many of its items come down the pipeline' {
        $withTools = Get-LlmTrace -Since $script:Since -Until $script:Until -First 100 | Where-Object EventCount -eq 2 | Select-Object -First 1
        $items = 1..3 | ForEach-Object { [pscustomobject]@{ TraceId = $withTools.TraceId; Timestamp = $withTools.StartTime } }
        @($items | Get-LlmTrace).Count | Should -Be 1
    }

    It 'clusters the generations locally and measures the clusters by PostHog''s definitions' {
        $run = Invoke-LlmClustering -Level Generation -Since $script:Since -Until $script:Until -Method kmeans -K 3 -PassThru -Confirm:$false
        $run.TotalItemsAnalyzed | Should -Be 52
        $metrics = $run | Get-LlmCluster | Measure-ClusterMetrics
        ($metrics | Measure-Object ItemCount -Sum).Sum | Should -Be 52
        ($metrics | Measure-Object ErrorCount -Sum).Sum | Should -Be 4
        ($metrics | Measure-Object TotalCost -Sum).Sum | Should -BeGreaterThan 0
    }
}
