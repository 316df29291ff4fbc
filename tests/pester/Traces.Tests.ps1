# Run once per source (tests/pester/Invoke-PesterRun.ps1): the same demo data, the same expectations.
param([string] $Source = 'Embedded')

BeforeAll {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestSource.ps1')
    $script:TestSource = Connect-TestSource -Source $Source -TraceCount 800 -Seed 12
    $script:UiHost = $script:TestSource.UiHost
    $script:Run = Get-ClusterRun -JobName 'Default - traces' -First 1
}

AfterAll {
    Remove-TestSource $script:TestSource
}

Describe "Get-LlmTrace on $Source" {
    It 'reads piped cluster items as whole traces, in one query' {
        $items = $script:Run | Get-LlmCluster -ClusterId 0 | Get-ClusterItem -Top 3
        $output = $items | Get-LlmTrace -Verbose 4>&1
        $traces = $output | Where-Object { $_ -is [LlmClusters.Core.Model.LlmTrace] }
        $traces.TraceId | Should -Be $items.TraceId
        $traces[0].Events.Count | Should -Be $traces[0].EventCount
        $traces[0].Events[0] | Should -BeOfType 'LlmClusters.Core.Model.TraceEvent'
        $traces[0].UiUrl | Should -BeLike "$script:UiHost/project/1/llm-analytics/traces/*?timestamp=*"
        $verbose = $output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        @($verbose | Where-Object Message -like 'TraceEvents on *').Count | Should -Be 1
        ($verbose.Message -join "`n") | Should -Not -Match 'You are a'
    }

    It 'carries the trace''s newest summary and prints it above the tree, its bullets with -Detailed' {
        $item = Get-ClusterItem -RunId $script:Run | Where-Object SummaryTitle | Select-Object -First 1
        $trace = $item | Get-LlmTrace
        $trace.Summary.Title | Should -Be $item.SummaryTitle
        $plain = @($trace | Format-LlmTrace -Width 200)
        $plain[2] | Should -Be "  Summary: $($item.SummaryTitle)"
        $plain | Should -Not -Contain "    - $($trace.Summary.Bullets[0])"
        $detailed = @($trace | Format-LlmTrace -Width 200 -Detailed)
        $detailed | Should -Contain "    - $($trace.Summary.Bullets[0])"
        $detailed.Count | Should -Be ($plain.Count + $trace.Summary.Bullets.Count + $(if ($trace.Summary.InterestingNotes.Count) { 1 + $trace.Summary.InterestingNotes.Count } else { 0 }))
    }

    It 'shows prompts kept in ai_events, and says once that a trace''s content is gone' {
        $whole = $script:Run | Get-LlmCluster -ClusterId 0 | Get-ClusterItem -Top 1 | Get-LlmTrace
        $whole.ContentExpired | Should -BeFalse
        @($whole.Events | Where-Object Input).Count | Should -BeGreaterThan 0
        # The demo's one trace whose content expired: neither events nor ai_events holds its prompts.
        $gone = Invoke-LlmQuery ("SELECT DISTINCT JSONExtractString(properties, '`$ai_trace_id') AS trace_id FROM events " +
            "WHERE event = '`$ai_generation' AND NOT JSONHas(properties, '`$ai_input') AND uuid NOT IN (SELECT uuid FROM ai_events)")
        @($gone).Count | Should -Be 1
        $trace = Get-LlmTrace -TraceId $gone.trace_id
        $trace.ContentExpired | Should -BeTrue
        $lines = @($trace | Format-LlmTrace -Width 80)
        @($lines | Where-Object { $_ -like '*Content gone*' }).Count | Should -Be 1
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
    }

    It 'names a trace it cannot find and still writes the others' {
        $item = $script:Run | Get-LlmCluster -ClusterId 0 | Get-ClusterItem -Top 1
        $found = $item.TraceId, 'no-such-trace' | Get-LlmTrace -Since $item.WindowStart -Until $item.WindowEnd -ErrorVariable missing -ErrorAction SilentlyContinue
        $found.TraceId | Should -Be $item.TraceId
        $missing.Count | Should -Be 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'TraceNotFound,LlmClusters.Commands.GetLlmTraceCommand'
        $missing[0].TargetObject | Should -Be 'no-such-trace'
    }

    It 'lists a cluster''s traces by rank with totals' {
        $listed = Get-LlmTrace -RunId $script:Run.RunId -ClusterId 1 -First 4
        # ($listed.Rank would be the array's own Rank, 1: arrays have a Rank property.)
        $listed | ForEach-Object Rank | Should -Be @(0, 1, 2, 3)
        $listed.TraceId | Should -Be (Get-ClusterItem -RunId $script:Run.RunId -ClusterId 1 -Top 4).TraceId
        $listed | ForEach-Object { $_.Events.Count | Should -Be 0 }
        $listed[0].EventCount | Should -BeGreaterThan 0
        Get-LlmTrace -RunId $script:Run.RunId -ClusterId 77 -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -Be 'ClusterNotFound,LlmClusters.Commands.GetLlmTraceCommand'
    }

    It 'lists recent traces, by model and failing only' {
        $recent = Get-LlmTrace -Since (Get-Date).AddDays(-3) -First 5
        $recent.Count | Should -Be 5
        $failing = Get-LlmTrace -Since (Get-Date).AddDays(-14) -ErrorOnly -Model gpt-4o -First 50
        $failing | ForEach-Object { $_.ErrorCount | Should -BeGreaterThan 0; $_.Models | Should -Contain 'gpt-4o' }
    }

    It 'matches -Model as PowerShell matches names: wildcards and any letter case' {
        $exact = @(Get-LlmTrace -Since (Get-Date).AddDays(-14) -Model gpt-4o -First 1000)
        $exact.Count | Should -BeGreaterThan 0
        @(Get-LlmTrace -Since (Get-Date).AddDays(-14) -Model GPT-4O -First 1000).Count | Should -Be $exact.Count
        $family = @(Get-LlmTrace -Since (Get-Date).AddDays(-14) -Model 'GPT-4o*' -First 1000)
        $family.Count | Should -BeGreaterOrEqual $exact.Count
        $family | ForEach-Object { @($_.Models | Where-Object { $_ -like 'gpt-4o*' }).Count | Should -BeGreaterThan 0 }
        @(Get-LlmTrace -Since (Get-Date).AddDays(-14) -Model 'gpt-4o[' -First 10).Count | Should -Be 0
        $anthropic = @(Get-LlmTrace -Since (Get-Date).AddDays(-14) -Provider 'ANTHROP*' -First 1000)
        $anthropic.Count | Should -BeGreaterThan 0
        $anthropic | ForEach-Object { $_.Providers | Should -Contain 'anthropic' }
    }
}

Describe "Format-LlmTrace on $Source" {
    It 'renders the most error-heavy cluster''s top traces as trees' {
        $lines = $script:Run | Get-LlmCluster -ExcludeNoise | Sort-Object ErrorRate -Descending | Select-Object -First 1 |
            Get-ClusterItem -Top 3 | Get-LlmTrace | Format-LlmTrace -Width 100
        @($lines | Where-Object { $_ -like 'Trace *' }).Count | Should -Be 3
        $lines | Where-Object { $_ -match '^(│  |   )*(├─|└─) generation ' } | Should -Not -BeNullOrEmpty
        $lines | Where-Object { $_ -match 'in:  (system|user): ' } | Should -Not -BeNullOrEmpty
        # The preview reaches the user's question, however long the system message's retrieved context.
        $lines | Where-Object { $_ -match '^\s*(│\s*)*\s+user: ' } | Should -Not -BeNullOrEmpty
    }

    It 'renders listed failures as the same trees as by id, reading them a batch per statement' {
        $listed = @(Get-LlmTrace -ErrorOnly -Since (Get-Date).AddDays(-30) -First 50)
        $listed.Count | Should -BeGreaterOrEqual 2
        $output = $listed | Format-LlmTrace -Width 100 -Verbose 4>&1
        $lines = @($output | Where-Object { $_ -is [string] })
        $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        @($verbose | Where-Object Message -like 'TraceEvents on *').Count | Should -Be ([math]::Ceiling($listed.Count / 200))
        $byId = Get-LlmTrace -TraceId $listed.TraceId | Format-LlmTrace -Width 100
        $lines | Should -Be $byId
        @($lines | Where-Object { $_ -like 'Trace *' }).Count | Should -Be $listed.Count
        @($lines | Where-Object { $_ -match '^\s*(│\s*)*ERROR: ' }).Count | Should -BeGreaterOrEqual $listed.Count
    }

    It 'renders a cluster''s listed traces whole, in rank order' {
        $listed = Get-LlmTrace -RunId $script:Run.RunId -ClusterId 0 -First 3
        $lines = $listed | Format-LlmTrace -Width 100 -WarningVariable warned
        $warned | Should -BeNullOrEmpty
        ($lines | Where-Object { $_ -like 'Trace *' }) -replace '^Trace (\S+).*', '$1' | Should -Be $listed.TraceId
        $lines | Where-Object { $_ -match '(├─|└─) generation ' } | Should -Not -BeNullOrEmpty
    }
}

Describe "Get-LlmTrace -IncludeEvents on $Source" {
    It 'fills listed traces with their events in one statement per batch' {
        $output = Get-LlmTrace -ErrorOnly -Since (Get-Date).AddDays(-30) -First 50 -IncludeEvents -Verbose 4>&1
        $traces = @($output | Where-Object { $_ -is [LlmClusters.Core.Model.LlmTrace] })
        $traces.Count | Should -BeGreaterOrEqual 2
        $traces | ForEach-Object { $_.Events.Count | Should -Be $_.EventCount }
        $verbose = @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] })
        @($verbose | Where-Object Message -like 'TraceEvents on *').Count | Should -Be ([math]::Ceiling($traces.Count / 200))
        ($traces | Select-Object -First 1 | ConvertTo-Json -Depth 4) | Should -Match '"Event": "\$ai_generation"'
    }

    It 'renders traces saved with Export-Clixml as they were saved, reading nothing' {
        $saved = Join-Path $TestDrive 'failures.xml'
        $whole = Get-LlmTrace -ErrorOnly -Since (Get-Date).AddDays(-30) -First 5 -IncludeEvents
        $whole | Export-Clixml $saved
        $output = Import-Clixml $saved | Format-LlmTrace -Width 100 -Verbose 4>&1
        @($output | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }) | Should -BeNullOrEmpty
        @($output | Where-Object { $_ -is [string] }) | Should -Be ($whole | Format-LlmTrace -Width 100)
        # Read back without their events (Import-Csv), they are read like a listing.
        $whole | Export-Csv (Join-Path $TestDrive 'failures.csv')
        Import-Csv (Join-Path $TestDrive 'failures.csv') | Format-LlmTrace -Width 100 | Should -Be ($whole | Format-LlmTrace -Width 100)
    }

    It 'says when a recent listing is cut at its default size' {
        $all = @(Get-LlmTrace -Since (Get-Date).AddDays(-30) -First 1000)
        $all.Count | Should -BeGreaterThan 20
        $listed = @(Get-LlmTrace -Since (Get-Date).AddDays(-30) -WarningVariable cut -WarningAction SilentlyContinue)
        $listed.Count | Should -Be 20
        $cut[0] | Should -Match 'More than 20 traces match'
        $null = Get-LlmTrace -Since (Get-Date).AddDays(-30) -First 20 -WarningVariable asked -WarningAction SilentlyContinue
        $asked | Should -BeNullOrEmpty
    }

    It 'keeps a cluster listing''s rank and cluster' {
        $traces = Get-LlmTrace -RunId $script:Run.RunId -ClusterId 1 -First 4 -IncludeEvents
        $traces | ForEach-Object Rank | Should -Be @(0, 1, 2, 3)
        $traces | ForEach-Object { $_.ClusterId | Should -Be 1; $_.Events.Count | Should -BeGreaterThan 0 }
    }
}

Describe "Traces in CSV on $Source" {
    It 'exports readable models and event counts' {
        $csv = Join-Path $TestDrive 'traces.csv'
        $script:Run | Get-LlmCluster -ClusterId 0 | Get-ClusterItem -Top 2 | Get-LlmTrace | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows[0].Models | Should -Not -Match 'System\.'
        $rows[0].Models | Should -Match '\w'
        $rows[0].Events | Should -Match '^\d+ events?$'
    }
}
