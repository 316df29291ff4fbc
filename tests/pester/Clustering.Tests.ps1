BeforeAll {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestSource.ps1')
    $script:TestSource = Connect-TestSource -Source Embedded -TraceCount 900 -Seed 5
    $script:Embedded = Get-LlmAnalyticsConnection
}

AfterAll {
    Remove-TestSource $script:TestSource
}

Describe 'Invoke-LlmClustering' {
    It 'clusters the week''s traces locally and writes a run every cmdlet reads' {
        $run = Invoke-LlmClustering -MaxSamples 250 -Seed 3 -Text Content -PassThru
        $run | Should -BeOfType 'LlmClusters.Core.Model.ClusterRun'
        $run.RunId | Should -Match '^1_trace_\d{8}_\d{6}_local$'
        $run.TotalItemsAnalyzed | Should -Be 250
        $run.ClusteringMethod | Should -Be 'hdbscan'
        $run.Params.EmbeddingModel | Should -Be 'sentence-transformers/all-MiniLM-L6-v2'
        # PostHog's cap on a cluster's share, recorded where PostHog records it; a run made under it never collapses.
        $run.Params.MaxClusterSizeFraction | Should -Be 0.5
        ($run.Params.ClusteringMethodParams | ConvertFrom-Json).max_cluster_size_fraction | Should -Be 0.5
        $run.Collapsed | Should -BeFalse
        (Get-ClusterRun -First 1).RunId | Should -Be $run.RunId
        $clusters = $run | Get-LlmCluster
        $clusters.Count | Should -Be $run.ClusterCount
        ($clusters | Measure-Object Size -Sum).Sum | Should -Be 250
        $clusters[0].Title | Should -Match '^[a-z-]+: '
        $clusters[0].MetricsSource | Should -Be 'Computed'
        $clusters[0].StoredMetrics.ItemCount | Should -BeGreaterThan 0
        ($clusters | Where-Object ClusterId -ge 0 | Select-Object -First 1 | Get-ClusterItem -Top 2 | Get-LlmTrace).Count | Should -Be 2
    }

    It 'compares a local run with PostHog''s own run of the same window' {
        $posthog = Get-ClusterRun -JobName 'Default - traces' -First 1
        $local = Invoke-LlmClustering -Since $posthog.WindowStart -Until $posthog.WindowEnd -Method kmeans -MinK 5 -MaxK 9 -Text Content -PassThru
        $local.WindowEnd | Should -Be $posthog.WindowEnd
        $changes = Compare-ClusterRun -ReferenceRunId $posthog.RunId -DifferenceRunId $local.RunId
        # The demo run's clusters are its kinds of traffic; most come back matched by shared traces.
        @($changes | Where-Object { $_.Status -in 'Stable', 'Grown', 'Shrunk' -and $_.ReferenceClusterId -ge 0 }).Count | Should -BeGreaterOrEqual 5
        ($changes | Where-Object ReferenceTitle -like '*invoice*').DifferenceTitle | Should -BeLike 'support-chat*'
    }

    It 'binds -Method and -Level in any letter case' {
        $run = Invoke-LlmClustering -Method KMeans -K 2 -Level Generation -MaxSamples 40 -PassThru
        $run.ClusteringMethod | Should -BeExactly 'kmeans'
        "$($run.Level)" | Should -BeExactly 'generation'
        { Invoke-LlmClustering -Level Assessment } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,LlmClusters.Commands.InvokeLlmClusteringCommand'
    }

    It 'embeds PostHog''s summaries where most traces have one, names clusters from their titles, and says which were left out' {
        $run = Invoke-LlmClustering -MaxSamples 200 -Seed 3 -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings[0] | Should -Match '^\d+ of the 200 sampled traces have no summary from PostHog in the window and are left out'
        $left = [int]($warnings[0] -replace '^(\d+) .*', '$1')
        $run.TotalItemsAnalyzed | Should -Be (200 - $left)
        $items = $run | Get-ClusterItem
        @($items | Where-Object { -not $_.SummaryTitle }).Count | Should -Be 0
        $clusters = $run | Get-LlmCluster -ExcludeNoise
        foreach ($cluster in $clusters) {
            $titles = ($items | Where-Object ClusterId -eq $cluster.ClusterId).SummaryTitle -join ' '
            foreach ($word in $cluster.Title -split ', ') { $titles | Should -Match ([regex]::Escape($word)) }
        }
        (Invoke-LlmClustering -MaxSamples 40 -Text Content -PassThru).TotalItemsAnalyzed | Should -Be 40
    }

    It 'clusters evaluations by evaluator, verdict and reasoning, and measures them as PostHog does' {
        $run = Invoke-LlmClustering -Level evaluation -MaxSamples 150 -PassThru
        "$($run.Level)" | Should -Be 'evaluation'
        $clusters = $run | Get-LlmCluster
        ($clusters | Measure-Object Size -Sum).Sum | Should -Be $run.TotalItemsAnalyzed
        $clusters | Where-Object { -not $_.IsNoise } | ForEach-Object { $_.Title | Should -Match '^(Helpfulness|No PII in answer): ' }
        ($clusters | Where-Object PassRate -ne $null).Count | Should -BeGreaterThan 0
        $item = $run | Get-ClusterItem -Verdict fail -Top 1 | Select-Object -First 1
        ($item | Get-LlmTrace).Events.Uuid | Should -Contain $item.GenerationId
        { Invoke-LlmClustering -Level evaluation -Filter { $true } } | Should -Throw -ErrorId 'InvalidFilter,LlmClusters.Commands.InvokeLlmClusteringCommand'
    }

    It 'runs k-means (asked for by -K) with a scriptblock filter on each trace' {
        $run = Invoke-LlmClustering -K 2 -MaxSamples 60 -Text Content -Filter { $_.TraceName -eq 'docs-qa' } -PassThru
        $run.ClusteringMethod | Should -Be 'kmeans'
        $run.ClusterCount | Should -Be 2
        $traces = $run | Get-LlmCluster | Get-ClusterItem | Get-LlmTrace
        $traces.Count | Should -Be 60
        $traces.TraceName | Select-Object -Unique | Should -Be 'docs-qa'
    }

    It 'refuses a -K that would leave most clusters with one item, and writes nothing' {
        $before = @(Get-ClusterRun -Since (Get-Date).AddDays(-2)).Count
        { Invoke-LlmClustering -K 30 -MaxSamples 40 -ErrorAction Stop } | Should -Throw -ErrorId 'TooManyClusters,LlmClusters.Commands.InvokeLlmClusteringCommand'
        @(Get-ClusterRun -Since (Get-Date).AddDays(-2)).Count | Should -Be $before
    }

    It 'ends with one error naming the trace when the -Filter scriptblock fails' {
        $caught = $null
        try { Invoke-LlmClustering -K 2 -MaxSamples 40 -Filter { $_.NoSuchMethod() } -ErrorVariable failed } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'FilterFailed,LlmClusters.Commands.InvokeLlmClusteringCommand'
        $caught.Exception.Message | Should -Match 'failed on trace .*NoSuchMethod'
        $failed.Count | Should -Be 1
    }

    It 'warns when HDBSCAN finds no cluster' {
        $run = Invoke-LlmClustering -MaxSamples 20 -MinClusterSize 15 -Text Content -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
        $warnings[0] | Should -Match 'only outliers'
        ($run | Get-LlmCluster).Title | Should -Be 'Outliers'
    }

    It 'writes nothing with -WhatIf' {
        $before = @(Get-ClusterRun).Count
        Invoke-LlmClustering -MaxSamples 50 -WhatIf
        @(Get-ClusterRun).Count | Should -Be $before
    }

    It 'refuses parameters that do not go together, and a filter of the wrong kind' {
        { Invoke-LlmClustering -Method hdbscan -K 3 } | Should -Throw -ErrorId 'ClusterCountNeedsKMeans,LlmClusters.Commands.InvokeLlmClusteringCommand'
        { Invoke-LlmClustering -Method kmeans -MinK 9 -MaxK 3 } | Should -Throw -ErrorId 'InvalidClusterCountRange,LlmClusters.Commands.InvokeLlmClusteringCommand'
        { Invoke-LlmClustering -Method kmeans -MinClusterSizeFraction 0.1 } | Should -Throw -ErrorId 'MinClusterSizeNeedsHdbscan,LlmClusters.Commands.InvokeLlmClusteringCommand'
        { Invoke-LlmClustering -MinClusterSize 10 -MinClusterSizeFraction 0.1 } | Should -Throw -ErrorId 'MinClusterSizeGivenTwice,LlmClusters.Commands.InvokeLlmClusteringCommand'
        { Invoke-LlmClustering -MinClusterSizeFraction 0.01 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,LlmClusters.Commands.InvokeLlmClusteringCommand'
        { Invoke-LlmClustering -Method kmeans -MaxClusterSizeFraction 0.4 } | Should -Throw -ErrorId 'MaxClusterSizeNeedsHdbscan,LlmClusters.Commands.InvokeLlmClusteringCommand'
        { Invoke-LlmClustering -MinClusterSizeFraction 0.3 -MaxClusterSizeFraction 0.2 } | Should -Throw -ErrorId 'InvalidClusterSizeRange,LlmClusters.Commands.InvokeLlmClusteringCommand'
        { Invoke-LlmClustering -Filter 'gpt-4o' } | Should -Throw -ErrorId 'InvalidFilter,LlmClusters.Commands.InvokeLlmClusteringCommand'
        $error[0].ErrorDetails.Message | Should -Match 'scriptblock'
    }

    It 'says so when the window holds nothing to cluster' {
        { Invoke-LlmClustering -Since (Get-Date).AddYears(-3) -Until (Get-Date).AddYears(-2) } | Should -Throw -ErrorId 'NothingToCluster,LlmClusters.Commands.InvokeLlmClusteringCommand'
        $error[0].ErrorDetails.Message | Should -Match '-Since'
    }

    It 'clusters, reads and measures on connections made with -TeamId, on the embedded engine and on ClickHouse' {
        try {
            Connect-LlmAnalytics -Path $script:Embedded.Location -TeamId 1
            $run = Invoke-LlmClustering -Method kmeans -K 3 -MaxSamples 60 -Text Content -Filter @{ '$ai_trace_name' = 'docs-qa' } -PassThru
            $run.RunId | Should -Match '^1_trace_'
            ($run | Get-LlmCluster | Measure-ClusterMetrics | Measure-Object ItemCount -Sum).Sum | Should -Be 60
            (Connect-LlmAnalytics -Path $script:Embedded.Location -TeamId 2 -PassThru) | Out-Null
            { Invoke-LlmClustering -MaxSamples 60 } | Should -Throw -ErrorId 'NothingToCluster,LlmClusters.Commands.InvokeLlmClusteringCommand'
        }
        finally { Connect-LlmAnalytics -Path $script:Embedded.Location }
        $endpoint = Start-Endpoint -TraceCount 400 -Seed 8
        try {
            Connect-LlmAnalytics -Server 127.0.0.1 -Port $endpoint.Port -TeamId 1
            $run = Invoke-LlmClustering -Method kmeans -K 3 -MaxSamples 80 -Text Content -PassThru
            $clusters = $run | Get-LlmCluster
            ($clusters | Measure-Object ItemCount -Sum).Sum | Should -Be 80
            $clusters[0].MetricsSource | Should -Be 'Computed'
        }
        finally {
            Connect-LlmAnalytics -Path $script:Embedded.Location
            Stop-Endpoint $endpoint
        }
    }

    It 'reads a PostHog project through HogQL and writes the run to a local folder, saying so' {
        $endpoint = Start-Endpoint -TraceCount 400 -Seed 8
        try {
            Connect-LlmAnalytics -ProjectId 1 -PostHogHost "http://127.0.0.1:$($endpoint.PostHogPort)" -ApiKey (ConvertTo-SecureString $script:EndpointApiKey -AsPlainText -Force)
            $folder = Join-Path $TestDrive 'posthog-runs'
            $run = Invoke-LlmClustering -Method kmeans -K 3 -MaxSamples 80 -Text Content -LocalPath $folder -PassThru -WarningVariable warnings -WarningAction SilentlyContinue
            $warnings[0] | Should -Match 'only reads'
            $warnings[0] | Should -Match ([regex]::Escape($folder))
            $run.TotalItemsAnalyzed | Should -Be 80
            # The run is in the local folder, not in PostHog.
            @(Get-ClusterRun | Where-Object RunId -eq $run.RunId).Count | Should -Be 0
            Connect-LlmAnalytics -Path $folder
            (Get-ClusterRun -First 1).RunId | Should -Be $run.RunId
            (Get-LlmCluster).Count | Should -Be 3
        }
        finally {
            Connect-LlmAnalytics -Path $script:Embedded.Location
            Stop-Endpoint $endpoint
        }
    }
}
