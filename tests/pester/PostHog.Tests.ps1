BeforeAll {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestSource.ps1')
    $script:Endpoint = Start-Endpoint
    $script:PostHogHost = "http://127.0.0.1:$($script:Endpoint.PostHogPort)"
    $script:Key = ConvertTo-SecureString $script:EndpointApiKey -AsPlainText -Force
}

AfterAll {
    Disconnect-LlmAnalytics
    Remove-Item Env:POSTHOG_PERSONAL_API_KEY -ErrorAction SilentlyContinue
    Stop-Endpoint $script:Endpoint
}

Describe 'Connect-LlmAnalytics -ProjectId' {
    It 'reads a PostHog project through its query API, with links to that PostHog' {
        $connection = Connect-LlmAnalytics -ProjectId 1 -PostHogHost $script:PostHogHost -ApiKey $script:Key -PassThru
        $connection.Source | Should -Be 'PostHog'
        $connection.Location | Should -Be "$script:PostHogHost/project/1"
        $runs = Get-ClusterRun
        $runs.Count | Should -Be 7
        $runs[0].UiUrl | Should -BeLike "$script:PostHogHost/project/1/llm-analytics/clusters/*"
        ($runs[0] | Get-LlmCluster | Measure-ClusterMetrics).Count | Should -BeGreaterThan 2
    }

    It 'takes the key from POSTHOG_PERSONAL_API_KEY' {
        $env:POSTHOG_PERSONAL_API_KEY = $script:EndpointApiKey
        try { (Connect-LlmAnalytics -ProjectId 1 -PostHogHost $script:PostHogHost -PassThru).Source | Should -Be 'PostHog' }
        finally { Remove-Item Env:POSTHOG_PERSONAL_API_KEY }
    }

    It 'says how to give a key when there is none' {
        { Connect-LlmAnalytics -ProjectId 1 -PostHogHost $script:PostHogHost } | Should -Throw -ErrorId 'ApiKeyMissing,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
        $error[0].ErrorDetails.Message | Should -Match 'POSTHOG_PERSONAL_API_KEY'
    }

    It 'refuses a wrong key without repeating it' {
        $wrong = ConvertTo-SecureString 'phx_wrong_pester_key' -AsPlainText -Force
        { Connect-LlmAnalytics -ProjectId 1 -PostHogHost $script:PostHogHost -ApiKey $wrong } | Should -Throw -ErrorId 'LoginFailed,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
        $error[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        ($error[0] | Out-String) | Should -Not -Match 'phx_wrong_pester_key'
    }

    It 'names a project it cannot find' {
        { Connect-LlmAnalytics -ProjectId 999 -PostHogHost $script:PostHogHost -ApiKey $script:Key } | Should -Throw -ErrorId 'ProjectNotFound,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
        $error[0].ErrorDetails.Message | Should -Match '999'
    }

    It 'shows the HogQL and the host under -Verbose, never the key' {
        Connect-LlmAnalytics -ProjectId 1 -PostHogHost $script:PostHogHost -ApiKey $script:Key
        $verbose = Get-ClusterRun -First 1 -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
        $verbose | Should -Match ([regex]::Escape("$script:PostHogHost/project/1"))
        $verbose | Should -Match 'toDateTime\(\{since\}\)'
        $verbose | Should -Not -Match ([regex]::Escape($script:EndpointApiKey))
    }

    It 'refuses to write into the project' {
        Connect-LlmAnalytics -ProjectId 1 -PostHogHost $script:PostHogHost -ApiKey $script:Key
        { Invoke-LlmQuery 'INSERT INTO events (event) VALUES (''x'')' } | Should -Throw -ErrorId 'SourceReadOnly,LlmClusters.Commands.InvokeLlmQueryCommand'
        { New-LlmDemoData -TraceCount 10 -Confirm:$false } | Should -Throw -ErrorId 'SourceReadOnly,LlmClusters.Commands.NewLlmDemoDataCommand'
    }

    It 'refuses -TeamId and -Table, which PostHog decides by the project' {
        { Connect-LlmAnalytics -ProjectId 1 -TeamId 2 -PostHogHost $script:PostHogHost -ApiKey $script:Key } | Should -Throw -ErrorId 'TeamIdNotApplicable,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
        { Connect-LlmAnalytics -ProjectId 1 -Table my_events -PostHogHost $script:PostHogHost -ApiKey $script:Key } | Should -Throw -ErrorId 'TableNotApplicable,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
    }
}

# What each of the README's investigations sends to PostHog, counted from -Verbose (one record per statement; its
# pages are one statement): docs/performance.md lists the same counts. A run read once is taken from memory after.
Describe 'Queries each README investigation sends to PostHog' {
    BeforeAll {
        Connect-LlmAnalytics -ProjectId 1 -PostHogHost $script:PostHogHost -ApiKey $script:Key
        function Measure-Queries([scriptblock] $Investigation) {
            Connect-LlmAnalytics -ProjectId 1 -PostHogHost $script:PostHogHost -ApiKey $script:Key   # a fresh memory
            $VerbosePreference = 'Continue'
            $records = & $Investigation 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
            @($records | ForEach-Object { if ($_.Message -match '^(\w+) on http') { $Matches[1] } })
        }
    }

    It '<Investigation> sends <Expected>' -TestCases @(
        @{ Investigation = 'Get-ClusterRun'; Expected = 'ListRuns' }
        @{ Investigation = 'Get-LlmCluster | Sort-Object Size -Descending'; Expected = 'ListRuns, RunClusters, ClusterVerdicts, ClusterMetrics' }
        @{ Investigation = 'Get-LlmCluster -ExcludeNoise | Sort-Object ErrorRate -Descending | Select-Object -First 1 | Get-ClusterItem -Top 3 | Get-LlmTrace | Format-LlmTrace'
           Expected = 'ListRuns, RunClusters, ClusterVerdicts, ClusterMetrics, ClusterItems, ItemSummaries, TraceEvents' }
        @{ Investigation = 'Get-LlmCluster -ExcludeNoise | Sort-Object Size -Descending | Select-Object -First 1 | Get-ClusterItem -Top 5 | Select-Object Rank, SummaryTitle, TraceId'
           Expected = 'ListRuns, RunClusters, ClusterVerdicts, ClusterMetrics, ClusterItems, ItemSummaries' }
        @{ Investigation = 'Measure-ClusterMetrics | Sort-Object TotalCost -Descending'; Expected = 'ListRuns, RunClusters, ClusterVerdicts, ClusterMetrics' }
        # The run is read once; its metrics once as the page shows them (Get-LlmCluster) and once by model.
        @{ Investigation = "Get-LlmCluster -Title '*' | Measure-ClusterMetrics -By Model"; Expected = 'ListRuns, RunClusters, ClusterVerdicts, ClusterMetrics, ClusterMetrics' }
        @{ Investigation = 'Get-LlmCluster -ExcludeNoise | Where-Object EvaluationCount | Sort-Object PassRate | Select-Object Title, EvaluationCount, PassRate, NaRate'
           Expected = 'ListRuns, RunClusters, ClusterVerdicts, ClusterMetrics' }
        # The evaluations are read once per command: to rebuild the clusters, then for the items asked for.
        @{ Investigation = 'Get-LlmCluster -Level evaluation -Verdict fail | Get-ClusterItem -Verdict fail -Top 3 | Select-Object EvaluationName, Reasoning, TraceId'
           Expected = 'ListRuns, RunClusters, ClusterItems, ItemEvaluations, ClusterItems, ItemEvaluations' }
        @{ Investigation = 'Get-ClusterRun -Since (Get-Date).AddDays(-1) | Select-Object RunId, JobName, LargestClusterShare, Collapsed'; Expected = 'ListRuns' }
        @{ Investigation = 'Get-LlmTrace -Since (Get-Date).AddDays(-30) -ErrorOnly'; Expected = 'RecentTraces' }
        # The README's "What failed in the last hour?", over 30 days so that it lists failures: the listed traces are read whole in one batch.
        @{ Investigation = 'Get-LlmTrace -ErrorOnly -Since (Get-Date).AddDays(-30) | Format-LlmTrace'; Expected = 'RecentTraces, TraceEvents' }
    ) {
        param($Investigation, $Expected)
        $sent = Measure-Queries ([scriptblock]::Create($Investigation))
        ($sent -join ', ') | Should -Be $Expected
    }

    It 'Get-ClusterRun -Since (Get-Date).AddDays(-7) | Get-LlmCluster reads each run once, and measures each run that is measured' {
        $runs = @(Get-ClusterRun -Since (Get-Date).AddDays(-7))
        $sent = Measure-Queries { Get-ClusterRun -Since (Get-Date).AddDays(-7) | Get-LlmCluster }
        @($sent | Where-Object { $_ -eq 'ListRuns' }).Count | Should -Be 1
        @($sent | Where-Object { $_ -eq 'RunClusters' }).Count | Should -Be $runs.Count
        # Evaluation-level runs show their own figures; the others are measured, one query per run.
        @($sent | Where-Object { $_ -eq 'ClusterMetrics' }).Count | Should -Be @($runs | Where-Object { $_.Level -ne 'evaluation' -and $_.ClusterCount -gt 0 }).Count
        @($sent | Where-Object { $_ -eq 'ClusterVerdicts' }).Count | Should -Be @($runs | Where-Object { $_.Level -ne 'evaluation' -and $_.ClusterCount -gt 0 }).Count
        @($sent | Where-Object { $_ -notin 'ListRuns', 'RunClusters', 'ClusterVerdicts', 'ClusterMetrics' }) | Should -BeNullOrEmpty
    }

    It "Get-ClusterRun -JobName 'Default - traces' | Compare-ClusterRun reads and measures each run once" {
        $runs = @(Get-ClusterRun -JobName 'Default - traces' -Since (Get-Date).AddDays(-30))
        $runs.Count | Should -BeGreaterThan 1
        $sent = Measure-Queries { Get-ClusterRun -JobName 'Default - traces' -Since (Get-Date).AddDays(-30) | Compare-ClusterRun }
        @($sent | Where-Object { $_ -eq 'ListRuns' }).Count | Should -Be 1
        @($sent | Where-Object { $_ -eq 'RunClusters' }).Count | Should -Be $runs.Count
        @($sent | Where-Object { $_ -eq 'ClusterMetrics' }).Count | Should -Be $runs.Count
        @($sent | Where-Object { $_ -eq 'SharedItems' }).Count | Should -Be ($runs.Count - 1)
    }

    It 'says under -Verbose when a run comes from memory' {
        Connect-LlmAnalytics -ProjectId 1 -PostHogHost $script:PostHogHost -ApiKey $script:Key
        $verbose = Get-LlmCluster -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
        $verbose | Should -Not -Match 'taken from memory'
        $verbose = Get-LlmCluster -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } | Out-String
        $verbose | Should -Match 'its clusters were read earlier in this session; taken from memory'
    }
}
