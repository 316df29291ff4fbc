BeforeAll {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force

    . (Join-Path $PSScriptRoot 'TestSource.ps1')
    $script:Endpoint = Start-Endpoint
}

AfterAll {
    Disconnect-LlmAnalytics
    Stop-Endpoint $script:Endpoint
}

Describe 'Connect-LlmAnalytics -Server' {
    It 'explores a ClickHouse server as it explores the embedded engine' {
        $connection = Connect-LlmAnalytics -Server 127.0.0.1 -Port $script:Endpoint.Port -PassThru
        $connection.Source | Should -Be 'ClickHouse'
        $connection.Location | Should -Be "http://default@127.0.0.1:$($script:Endpoint.Port)/default"
        $runs = Get-ClusterRun
        $runs.Count | Should -Be 7
        $clusters = $runs | Select-Object -First 1 | Get-LlmCluster
        $clusters.Count | Should -BeGreaterThan 2
        ($clusters | Measure-ClusterMetrics).ItemCount | Should -Be $clusters.ItemCount
        $traces = $clusters | Select-Object -First 1 | Get-ClusterItem -Top 2 | Get-LlmTrace
        $traces.Count | Should -Be 2
        $traces[0].Events.Count | Should -BeGreaterThan 0
    }

    It 'says which host it cannot reach' {
        { Connect-LlmAnalytics -Server 127.0.0.1 -Port 1 -ConnectTimeoutSeconds 2 } | Should -Throw -ErrorId 'ServerUnreachable,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
        $error[0].ErrorDetails.Message | Should -Match '127\.0\.0\.1:1'
        $error[0].CategoryInfo.Category | Should -Be 'ConnectionError'
    }

    It 'says a login was refused, naming the user and never the password' {
        $guarded = Start-Endpoint -Password 'right-one'
        try {
            $credential = [pscredential]::new('analyst', (ConvertTo-SecureString 'wrong-secret' -AsPlainText -Force))
            { Connect-LlmAnalytics -Server 127.0.0.1 -Port $guarded.Port -Credential $credential } | Should -Throw -ErrorId 'LoginFailed,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
            $error[0].ErrorDetails.Message | Should -Match "'analyst'"
            ($error[0] | Out-String) | Should -Not -Match 'wrong-secret'
            $credential = [pscredential]::new('default', (ConvertTo-SecureString 'right-one' -AsPlainText -Force))
            (Connect-LlmAnalytics -Server 127.0.0.1 -Port $guarded.Port -Credential $credential -PassThru -Verbose 4>&1 | Out-String) | Should -Not -Match 'right-one'
        }
        finally { Stop-Endpoint $guarded }
    }

    It 'says the table is missing' {
        { Connect-LlmAnalytics -Server 127.0.0.1 -Port $script:Endpoint.Port -Table no_such_events } | Should -Throw -ErrorId 'TableNotFound,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
    }

    It 'takes a connection string' {
        (Connect-LlmAnalytics -ConnectionString "Host=127.0.0.1;Port=$($script:Endpoint.Port);Username=default" -TeamId 1 -PassThru).TeamId | Should -Be 1
        (Get-ClusterRun).Count | Should -Be 7
    }

    It 'imports and works next to another module''s version of a shared dependency' {
        $script = @"
`$PSStyle.OutputRendering = 'PlainText'
Add-Type -Path '$env:LLMCLUSTERS_TEST_OTHER_ASSEMBLY'
Import-Module '$env:LLMCLUSTERS_TEST_MODULE'
Connect-LlmAnalytics -Server 127.0.0.1 -Port $($script:Endpoint.Port)
'runs: ' + (Get-ClusterRun).Count
'default context: ' + ([AppDomain]::CurrentDomain.GetAssemblies() | Where-Object { `$_.GetName().Name -eq 'Microsoft.Extensions.Logging.Abstractions' } | ForEach-Object { [Runtime.Loader.AssemblyLoadContext]::GetLoadContext(`$_).Name + ' ' + `$_.GetName().Version } | Sort-Object) -join '; '
"@
        $output = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $script 2>&1 | Out-String
        $output | Should -Match 'runs: 7'
        $output | Should -Match 'Default 8\.0\.0\.0'
        $output | Should -Match 'LlmClusters\.Dependencies 10\.0\.0\.0'
    }
}

Describe 'Connection strings' {
    It 'refuses an unreadable one without showing it' {
        { Connect-LlmAnalytics -ConnectionString 'Password=topsecret;Host' } | Should -Throw -ErrorId 'InvalidConnectionString,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
        # (PowerShell itself echoes the command line as typed; the module's own words must not repeat the string.)
        $error[0].ErrorDetails.Message | Should -Not -Match 'topsecret'
        $error[0].Exception.Message | Should -Not -Match 'topsecret'
        $error[0].ErrorDetails.Message | Should -Match 'Host=\.\.\.'
    }
}
