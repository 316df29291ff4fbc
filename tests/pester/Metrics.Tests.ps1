# Run once per source (tests/pester/Invoke-PesterRun.ps1): the same demo data, the same expectations.
param([string] $Source = 'Embedded')

BeforeAll {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestSource.ps1')
    $script:TestSource = Connect-TestSource -Source $Source -TraceCount 1500 -Seed 4
    $script:UiHost = $script:TestSource.UiHost
    $script:WithMetrics = Get-ClusterRun -JobName 'Default - traces' -First 1
    $script:WithoutMetrics = Get-ClusterRun -JobName 'Default - traces' | Select-Object -Last 1
}

AfterAll {
    Remove-TestSource $script:TestSource
}

Describe "Measure-ClusterMetrics on $Source" {
    It 'agrees with the metrics the run carries' {
        $stored = $script:WithMetrics | Get-LlmCluster
        $measured = $script:WithMetrics | Measure-ClusterMetrics
        $measured[0] | Should -BeOfType 'LlmClusters.Core.Model.ClusterMetrics'
        $measured.ClusterId | Should -Be $stored.ClusterId
        foreach ($cluster in $stored) {
            $mine = $measured | Where-Object ClusterId -eq $cluster.ClusterId
            $mine.ItemCount | Should -Be $cluster.ItemCount
            $mine.ErrorCount | Should -Be $cluster.ErrorCount
            $mine.Title | Should -Be $cluster.Title
            [Math]::Abs($mine.AvgCost - $cluster.AvgCost) | Should -BeLessThan 1e-7
        }
        [Math]::Round(($measured | Measure-Object CostShare -Sum).Sum, 6) | Should -Be 1
    }

    It 'measures piped clusters of one run with one query' {
        $clusters = $script:WithMetrics | Get-LlmCluster -ExcludeNoise | Select-Object -First 3
        $verbose = $clusters | Measure-ClusterMetrics -Verbose 4>&1
        $measured = $verbose | Where-Object { $_ -is [LlmClusters.Core.Model.ClusterMetrics] }
        $measured.ClusterId | Should -Be $clusters.ClusterId
        @($verbose | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like 'ClusterMetrics on *' }).Count | Should -Be 1
    }

    It 'tells error-heavy clusters from noise' {
        $measured = $script:WithMetrics | Measure-ClusterMetrics -ClusterId 0, 1, 2, 3, 4, 5, 6
        $worst = $measured | Sort-Object ErrorRateLift -Descending | Select-Object -First 1
        $worst.Title | Should -Match 'travel|Login'
        $worst.ErrorRatePValue | Should -BeLessThan 0.05
        $measured.ErrorRateTest | Should -Not -Contain $null
    }

    It 'splits figures by model and by provider' {
        $byModel = $script:WithMetrics | Measure-ClusterMetrics -By Model
        ($byModel.Model | Sort-Object -Unique) | Should -Contain 'gpt-4o'
        $byModel | Where-Object { -not $_.Model } | Should -BeNullOrEmpty
        ($script:WithMetrics | Measure-ClusterMetrics -By Provider).Provider | Sort-Object -Unique | Should -Contain 'anthropic'
    }

    It 'writes one object per item with -PerItem' {
        $cluster = $script:WithMetrics | Get-LlmCluster -ClusterId 0
        $items = $cluster | Measure-ClusterMetrics -PerItem
        $items[0] | Should -BeOfType 'LlmClusters.Core.Model.ClusterItemMetrics'
        $items.Count | Should -Be $cluster.ItemCount
        @($items | Where-Object IsError).Count | Should -Be $cluster.ErrorCount
        ($items | Sort-Object Cost -Descending)[0].UiUrl | Should -BeLike '*/project/1/llm-analytics/traces/*?timestamp=*'
    }

    It 'reports a cluster the run does not have' {
        $script:WithMetrics | Measure-ClusterMetrics -ClusterId 42 -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -Be 'ClusterNotFound,LlmClusters.Commands.MeasureClusterMetricsCommand'
    }

    It 'shows a table and exports readable CSV' {
        ($script:WithMetrics | Measure-ClusterMetrics | Out-String -Width 220) | Should -Match 'Cluster\s+Items\s+Errors\s+p\s+TotalCost\s+Share\s+Passed\s+Title'
        $csv = Join-Path $TestDrive 'metrics.csv'
        $script:WithMetrics | Measure-ClusterMetrics | Export-Csv $csv
        (Import-Csv $csv)[0].PSObject.Properties.Name | Should -Contain 'ErrorRatePValue'
        # Figures round-trip without float noise (1.7078615, not 1.7078614999999995).
        $costs = (Import-Csv $csv).TotalCost | Where-Object { $_ }
        $costs | Should -Not -BeNullOrEmpty
        $costs | ForEach-Object { ($_ -replace '^-?0\.0*|[.-]|E.*$', '').Length | Should -BeLessOrEqual 15 -Because "$_ has no more digits than a double holds" }
    }
}

Describe "Get-LlmCluster metrics on $Source" {
    It 'computes metrics for runs that carry none' {
        $clusters = $script:WithoutMetrics | Get-LlmCluster
        $clusters.MetricsSource | Sort-Object -Unique | Should -Be 'Computed'
        $clusters | ForEach-Object { $_.ErrorRate | Should -Not -BeNullOrEmpty }
        ($clusters | Sort-Object ErrorRate -Descending)[0].ErrorRate | Should -BeGreaterThan 0
    }

    It 'skips them with -NoMetrics' {
        ($script:WithoutMetrics | Get-LlmCluster -NoMetrics).MetricsSource | Sort-Object -Unique | Should -Be 'None'
    }

    It 'computes them as PostHog''s clusters page does even when the run stores its own, which it keeps apart' {
        $clusters = $script:WithMetrics | Get-LlmCluster
        $clusters.MetricsSource | Sort-Object -Unique | Should -Be 'Computed'
        $clusters | ForEach-Object { $_.StoredMetrics | Should -Not -BeNullOrEmpty }
        $measured = $script:WithMetrics | Measure-ClusterMetrics
        foreach ($cluster in $clusters) {
            $mine = $measured | Where-Object ClusterId -eq $cluster.ClusterId
            $cluster.AvgLatency | Should -Be $mine.AvgLatency
            $cluster.ErrorRate | Should -Be $mine.ErrorRate
        }
    }
}
