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
        $runs.Count | Should -Be 6
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
