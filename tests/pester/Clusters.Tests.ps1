# Run once per source (tests/pester/Invoke-PesterRun.ps1): the same demo data, the same expectations.
param([string] $Source = 'Embedded')

BeforeAll {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestSource.ps1')
    # Recent data (the default end), so the default windows of the cmdlets find it.
    $script:TestSource = Connect-TestSource -Source $Source -TraceCount 1200 -Seed 9
    $script:UiHost = $script:TestSource.UiHost

    function Add-RunEvent([string] $RunId, [string] $ClustersJson, [string] $ParamsJson) {
        $id = ConvertFrom-ClusterRunId $RunId
        $params = if ($ParamsJson) { ', "$ai_clustering_params": ' + $ParamsJson } else { '' }
        $properties = '{"$ai_clustering_run_id": "' + $RunId + '", "$ai_clustering_level": "trace", "$ai_clusters": ' + $ClustersJson + $params + '}'
        Invoke-LlmQuery -Connection $script:TestSource.Writer "INSERT INTO events (uuid, event, properties, timestamp, team_id, distinct_id) VALUES (generateUUIDv4(), '`$ai_trace_clusters', {p:String}, {t:DateTime64(6, 'UTC')}, 1, 'test')" -Parameter @{
            p = $properties; t = $id.WindowEnd.AddMinutes(1) }
    }
}

AfterAll {
    Remove-TestSource $script:TestSource
}

Describe "Get-ClusterRun on $Source" {
    It 'lists the runs of the last 7 days, newest first' {
        $runs = Get-ClusterRun
        $runs.Count | Should -Be 7
        $runs[0] | Should -BeOfType 'LlmClusters.Core.Model.ClusterRun'
        $sorted = $runs | Sort-Object Timestamp -Descending
        $runs.RunId | Should -Be $sorted.RunId
        $runs.Level | Should -Contain 'generation'
        ($runs | Where-Object { $_.RunId -match '^\d+_\d{8}_\d{6}$' }).Level | Should -Be 'trace'
        $runs[0].UiUrl | Should -BeLike "$script:UiHost/project/1/llm-analytics/clusters/*"
    }

    It 'filters by level, job name wildcard and count' {
        (Get-ClusterRun -Level generation).Level | Should -Be 'generation'
        # A level binds in any letter case and is written as PostHog writes it.
        $generation = @(Get-ClusterRun -Level Generation)
        $generation.Count | Should -Be 1
        "$($generation[0].Level)" | Should -BeExactly 'generation'
        ($generation[0] | ConvertTo-Csv | ConvertFrom-Csv).Level | Should -BeExactly 'generation'
        "$((Get-LlmCluster -Level GENERATION -NoMetrics)[0].Level)" | Should -BeExactly 'generation'
        { Get-ClusterRun -Level traces } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,LlmClusters.Commands.GetClusterRunCommand'
        @(Get-ClusterRun -JobName 'default - t*').Count | Should -Be 2
        @(Get-ClusterRun -First 2).Count | Should -Be 2
    }

    It 'looks runs up by id from the pipeline, reporting the unknown and the malformed ones' {
        $known = (Get-ClusterRun -First 2).RunId
        $found = $known + '1_trace_20200101_000000' + 'garbage' | Get-ClusterRun -ErrorVariable problems -ErrorAction SilentlyContinue
        $found.RunId | Sort-Object | Should -Be ($known | Sort-Object)
        $problems.FullyQualifiedErrorId | Sort-Object | Should -Be @('InvalidRunId,LlmClusters.Commands.GetClusterRunCommand', 'RunNotFound,LlmClusters.Commands.GetClusterRunCommand')
    }

    It 'matches -JobName as PowerShell matches names, in any letter case' {
        $named = @(Get-ClusterRun -JobName 'Default - traces')
        $named.Count | Should -BeGreaterThan 0
        @(Get-ClusterRun -JobName 'DEFAULT - TRACES').RunId | Should -Be $named.RunId
        @(Get-ClusterRun -JobName 'default - t[a-z]aces').RunId | Should -Be $named.RunId
    }

    It 'warns, with no output and no error, when a window holds no run (a runbook can tell nothing to check from a failure)' {
        $runs = Get-ClusterRun -Since (Get-Date).AddYears(-3) -Until (Get-Date).AddYears(-2) -ErrorAction Stop -WarningVariable said -WarningAction SilentlyContinue
        $runs | Should -BeNullOrEmpty
        $said.Count | Should -Be 1
        $said[0].Message | Should -Match 'Widen the window'
    }

    It 'refuses a window that ends before it starts' {
        { Get-ClusterRun -Since (Get-Date) -Until (Get-Date).AddDays(-1) } | Should -Throw -ErrorId 'InvalidTimeRange,LlmClusters.Commands.GetClusterRunCommand'
    }
}

Describe "Get-LlmCluster on $Source" {
    It 'reads the newest run when none is named' {
        $newest = Get-ClusterRun -First 1
        $clusters = Get-LlmCluster
        $clusters[0] | Should -BeOfType 'LlmClusters.Core.Model.LlmCluster'
        $clusters.RunId | Select-Object -Unique | Should -Be $newest.RunId
        $clusters.Count | Should -Be $newest.ClusterCount
    }

    It 'takes runs from the pipeline' {
        $runs = Get-ClusterRun
        $clusters = $runs | Get-LlmCluster
        $clusters.Count | Should -Be ($runs | Measure-Object ClusterCount -Sum).Sum
        ($clusters.RunId | Select-Object -Unique).Count | Should -Be 7
    }

    It 'carries the figures PostHog''s clusters page shows, sortable by error rate, and the run''s stored ones apart' {
        $run = Get-ClusterRun -JobName 'Default - traces' -First 1
        $clusters = $run | Get-LlmCluster -ExcludeNoise | Sort-Object ErrorRate -Descending
        $clusters.IsNoise | Should -Not -Contain $true
        $clusters[0].ErrorRate | Should -BeGreaterOrEqual $clusters[-1].ErrorRate
        $clusters[0].MetricsSource | Should -Be 'Computed'
        $clusters[0].ItemCount | Should -BeGreaterThan 0
        $clusters[0].StoredMetrics.ItemCount | Should -BeGreaterThan 0
    }

    It 'selects clusters by title wildcard and reads quotes and non-ASCII titles' {
        $run = Get-ClusterRun -JobName 'Default - traces' -First 1
        ($run | Get-LlmCluster -Title '*invoice*').Title | Should -Be 'Refunds & billing: "Where''s my invoice?"'
        ($run | Get-LlmCluster -Title '*翻訳*').Title | Should -BeLike 'Übersetzungen*'
    }

    It 'reports a cluster id the run does not have' {
        Get-LlmCluster -ClusterId 0, 99 -ErrorVariable missing -ErrorAction SilentlyContinue | ForEach-Object ClusterId | Should -Be 0
        $missing[0].FullyQualifiedErrorId | Should -Be 'ClusterNotFound,LlmClusters.Commands.GetLlmClusterCommand'
    }

    It 'exports one CSV row per cluster with readable columns' {
        $csv = Join-Path $TestDrive 'clusters.csv'
        $clusters = Get-LlmCluster
        $clusters | Sort-Object Size -Descending | Export-Csv $csv
        $rows = Import-Csv $csv
        $rows.Count | Should -Be $clusters.Count
        $columns = $rows[0].PSObject.Properties.Name
        foreach ($name in 'RunId', 'ClusterId', 'Title', 'Description', 'Size', 'IsNoise', 'ErrorRate', 'AvgCost', 'UiUrl') { $columns | Should -Contain $name }
        (Get-Content -Raw $csv) | Should -Not -Match 'LlmClusters\.Core'
    }

    It 'shows a table like print_clusters.py, and a list with the description' {
        $table = Get-LlmCluster | Out-String -Width 200
        $table | Should -Match 'Cluster\s+Size\s+Title\s+ErrorRate\s+Passed\s+AvgCost'
        $table | Should -Match 'Outliers'
        $list = Get-LlmCluster -ClusterId 0 | Format-List | Out-String -Width 200
        $list | Should -Match 'Description\s*:'
    }

    It 'reports a run whose clusters are not valid JSON' {
        Add-RunEvent '1_trace_20260101_100000' '"[{\"cluster_id\": 0, \"title\": \"cut"'
        { Get-LlmCluster -RunId 1_trace_20260101_100000 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRunPayload,LlmClusters.Commands.GetLlmClusterCommand'
    }

    It 'reads what it can of mistyped clusters and warns once' {
        Add-RunEvent '1_trace_20260102_100000' '[{"cluster_id": "1", "size": "many", "traces": {"a": {}, "b": {}}}, {"title": "no id"}]'
        $clusters = Get-LlmCluster -RunId 1_trace_20260102_100000 -WarningVariable warnings -WarningAction SilentlyContinue
        $clusters.Title | Should -Be 'Cluster 1'
        $clusters.Size | Should -Be 2
        # Its one cluster holds every item: the run also collapsed, which is said apart.
        $warnings.Count | Should -Be 2
        $warnings[0] | Should -Match 'no numeric size'
        $warnings[1] | Should -Match 'collapsed'
    }

    It 'refuses a malformed run id and an unknown one with their own ids' {
        # -RunId binds as a run id: PowerShell refuses a malformed one as it binds, with the module's own sentence.
        { Get-LlmCluster -RunId 'not_a_run' -ErrorAction Stop } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,LlmClusters.Commands.GetLlmClusterCommand' -ExpectedMessage "*'not_a_run' is not a clustering run id. Run ids look like*"
        'not_a_run' | Get-LlmCluster -ErrorVariable piped -ErrorAction SilentlyContinue
        $piped[0].FullyQualifiedErrorId | Should -Be 'InvalidRunId,LlmClusters.Commands.GetLlmClusterCommand'
        { Get-LlmCluster -RunId '1_trace_20200101_000000' -ErrorAction Stop } | Should -Throw -ErrorId 'RunNotFound,LlmClusters.Commands.GetLlmClusterCommand'
    }
}

Describe "Runs that collapse on $Source" {
    BeforeAll {
        # Clusters of the given sizes (the last one the outliers, -1), each item a trace of its own.
        function ConvertTo-ClustersJson([int[]] $Sizes) {
            $n = 0
            $clusters = for ($c = 0; $c -lt $Sizes.Count; $c++) {
                $id = if ($c -eq $Sizes.Count - 1) { -1 } else { $c }
                $traces = @(1..$Sizes[$c] | ForEach-Object { $n++; '"t' + $n + '": {"rank": ' + ($_ - 1) + '}' }) -join ', '
                '{"cluster_id": ' + $id + ', "size": ' + $Sizes[$c] + ', "title": "C' + $id + '", "traces": {' + $traces + '}}'
            }
            '[' + ($clusters -join ', ') + ']'
        }
    }

    It 'says a run collapsed when its largest cluster holds more than half the items, outliers left out' {
        # 8 of 12 items in one cluster: 0.667 of the run, over PostHog's 0.5.
        Add-RunEvent '1_trace_20260105_100000' (ConvertTo-ClustersJson 8, 2, 2)
        $run = Get-ClusterRun -RunId 1_trace_20260105_100000
        $run.LargestClusterShare | Should -BeLike '0.666*'
        $run.Collapsed | Should -BeTrue
        $clusters = Get-LlmCluster -RunId $run -NoMetrics -WarningVariable warnings -WarningAction SilentlyContinue
        $clusters.Count | Should -Be 3
        $warnings.Count | Should -Be 1
        $warnings[0] | Should -Match 'collapsed: its largest cluster holds 67% of the items, more than the 50% a cluster may hold'
        $warnings[0] | Should -Match 'MaxClusterSizeFraction'
    }

    It 'takes the cap the run records, and half when it records none' {
        # The largest cluster is 8 of 12 under a cap of 0.7: not collapsed. 6 of 12 is not over 0.5 either; 7 of 12 is.
        Add-RunEvent '1_trace_20260106_100000' (ConvertTo-ClustersJson 8, 2, 2) '{"clustering_method": "hdbscan", "clustering_method_params": {"max_cluster_size_fraction": 0.7}}'
        Add-RunEvent '1_trace_20260107_100000' (ConvertTo-ClustersJson 6, 4, 2)
        Add-RunEvent '1_trace_20260108_100000' (ConvertTo-ClustersJson 7, 3, 2)
        # k-means makes the clusters it is asked for: two may split the items 8 to 4 without any collapse.
        Add-RunEvent '1_trace_20260110_100000' (ConvertTo-ClustersJson 8, 2, 2) '{"clustering_method": "kmeans", "clustering_method_params": {"k": 2}}'
        $runs = Get-ClusterRun -RunId 1_trace_20260106_100000, 1_trace_20260107_100000, 1_trace_20260108_100000, 1_trace_20260110_100000 | Sort-Object RunId
        $runs.Params[0].MaxClusterSizeFraction | Should -Be 0.7
        $runs.Collapsed | Should -Be @($false, $false, $true, $false)
        Get-LlmCluster -RunId 1_trace_20260107_100000 -NoMetrics -WarningVariable quiet -WarningAction SilentlyContinue | Out-Null
        $quiet.Count | Should -Be 0
    }

    It 'leaves the outliers out of the largest cluster' {
        # 9 of 12 items are outliers: the largest real cluster holds 2, not a collapse.
        Add-RunEvent '1_trace_20260109_100000' (ConvertTo-ClustersJson 2, 1, 9)
        $run = Get-ClusterRun -RunId 1_trace_20260109_100000
        $run.LargestClusterShare | Should -BeLike '0.166*'
        $run.Collapsed | Should -BeFalse
    }
}

Describe "Naming a run with what one has on $Source" {
    # -RunId takes an id, a run, a cluster or an item (RunParameter): a cluster or an item also names its cluster.
    It 'takes a run, a cluster or an item as -RunId' {
        $run = Get-ClusterRun -JobName 'Default - traces' -First 1
        (Get-LlmCluster -RunId $run -NoMetrics).Count | Should -Be $run.ClusterCount
        $cluster = Get-LlmCluster -RunId $run -NoMetrics | Where-Object ClusterId -ne -1 | Select-Object -First 1
        $one = Get-LlmCluster -RunId $cluster -NoMetrics
        @($one).Count | Should -Be 1
        $one.ClusterId | Should -Be $cluster.ClusterId
        $items = Get-ClusterItem -RunId $cluster
        $items.ClusterId | Select-Object -Unique | Should -Be $cluster.ClusterId
        (Get-ClusterItem -RunId $items[0]).Count | Should -Be $items.Count
        (Get-ClusterRun -RunId $cluster).RunId | Should -Be $run.RunId
        (Measure-ClusterMetrics -RunId $cluster).ClusterId | Should -Be $cluster.ClusterId
        (Get-LlmTrace -RunId $cluster -ClusterId $cluster.ClusterId -First 2).Count | Should -Be 2
    }

    It 'compares runs given as objects' {
        $runs = Get-ClusterRun -JobName 'Default - traces'
        $byObject = Compare-ClusterRun -ReferenceRunId $runs[1] -DifferenceRunId $runs[0]
        $byId = Compare-ClusterRun -ReferenceRunId $runs[1].RunId -DifferenceRunId $runs[0].RunId
        ($byObject | ConvertTo-Json -Depth 3) | Should -Be ($byId | ConvertTo-Json -Depth 3)
    }

    It 'takes copies read back from a file, piped or as -RunId' {
        $run = Get-ClusterRun -JobName 'Default - traces' -First 1
        $csv = Join-Path $TestDrive 'clusters.csv'
        Get-LlmCluster -RunId $run -NoMetrics | Export-Csv $csv
        $copies = Import-Csv $csv
        ($copies | Get-LlmCluster -NoMetrics).Count | Should -Be $run.ClusterCount
        (Get-LlmCluster -RunId $copies[0] -NoMetrics).ClusterId | Should -Be $copies[0].ClusterId
        $xml = Join-Path $TestDrive 'run.xml'
        $run | Export-Clixml $xml
        (Get-LlmCluster -RunId (Import-Clixml $xml) -NoMetrics).Count | Should -Be $run.ClusterCount
    }

    It 'refuses an object that names no run, with the module''s sentence' {
        { Get-LlmCluster -RunId ([pscustomobject]@{ Name = 'x' }) -ErrorAction Stop } | Should -Throw -ExpectedMessage '*names no clustering run*'
        { Get-LlmCluster -RunId ([pscustomobject]@{ RunId = 'not_a_run' }) -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'not_a_run' is not a clustering run id*"
    }
}

Describe "Get-ClusterItem on $Source" {
    It 'writes the top items of each piped cluster by rank' {
        $clusters = Get-LlmCluster
        $items = $clusters | Get-ClusterItem -Top 3
        $items[0] | Should -BeOfType 'LlmClusters.Core.Model.ClusterItem'
        $items.Count | Should -Be (($clusters | ForEach-Object { [Math]::Min(3, $_.Size) } | Measure-Object -Sum).Sum)
        foreach ($group in $items | Group-Object ClusterId) { $group.Group.Rank | Should -Be (0..($group.Count - 1)) }
        $items[0].TraceId | Should -Not -BeNullOrEmpty
        $items[0].UiUrl | Should -BeLike "$script:UiHost/project/1/llm-analytics/traces/*?timestamp=*"
    }

    It 'writes generation ids for generation-level runs' {
        $item = Get-ClusterRun -Level generation | Get-LlmCluster | Select-Object -First 1 | Get-ClusterItem -Top 1
        $item.GenerationId | Should -Be $item.ItemId
        $item.TraceId | Should -Not -Be $item.ItemId
    }

    It 'gives each item the newest summary PostHog wrote of it in the run''s window, and says Untitled where there is none' {
        $run = Get-ClusterRun -Level trace -JobName 'Default*' -First 1
        $items = Get-ClusterItem -RunId $run
        $summarized = @($items | Where-Object SummaryTitle)
        $summarized.Count | Should -BeGreaterThan 0
        @($items | Where-Object { -not $_.SummaryTitle }).Count | Should -BeGreaterThan 0
        $first = $summarized[0]
        $first.Summary.Title | Should -Be $first.SummaryTitle
        $first.Summary.Bullets.Count | Should -Be 3
        $first.Summary.Bullets[0] | Should -BeLike 'The user asks: *'
        $first.Summary.Timestamp | Should -BeGreaterOrEqual $run.WindowStart
        $first.Summary.Timestamp | Should -BeLessOrEqual $run.WindowEnd
        # The title is in the table; a row without a summary says Untitled, as PostHog's page does.
        $table = $items | Select-Object -First 40 | Out-String -Width 200
        $table | Should -Match 'Summary'
        $table | Should -Match ([regex]::Escape($first.SummaryTitle.Substring(0, 20)))
        $table | Should -Match 'Untitled'
        # Generation runs by the generation's own summary.
        $generation = Get-ClusterRun -Level generation -First 1 | Get-ClusterItem | Where-Object SummaryTitle | Select-Object -First 1
        $generation.SummaryTitle | Should -BeLike '*: the first answer'
    }

    It 'reports a cluster the run does not have' {
        $run = (Get-ClusterRun -First 1).RunId
        Get-ClusterItem -RunId $run -ClusterId 99 -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -Be 'ClusterNotFound,LlmClusters.Commands.GetClusterItemCommand'
    }
}

Describe "Evaluations on $Source" {
    BeforeAll {
        $script:EvaluationRun = Get-ClusterRun -Level evaluation -First 1
    }

    It 'writes each evaluation with its verdict and the generation it judged, so its trace opens' {
        $items = Get-ClusterItem -RunId $script:EvaluationRun
        $items.Count | Should -Be $script:EvaluationRun.TotalItemsAnalyzed
        $items[0].EvaluationId | Should -Be $items[0].ItemId
        $items[0].GenerationId | Should -Not -Be $items[0].ItemId
        @($items.Verdict | Select-Object -Unique) | ForEach-Object { $_ | Should -BeIn 'pass', 'fail', 'n/a', 'unknown' }
        @($items | Where-Object Runtime -eq 'llm_judge' | Where-Object JudgeCost -gt 0).Count | Should -BeGreaterThan 0
        $judged = $items | Where-Object Verdict -eq 'fail' | Select-Object -First 2
        $traces = $judged | Get-LlmTrace
        @($traces).Count | Should -Be 2
        $traces[0].Events.Uuid | Should -Contain $judged[0].GenerationId
        $judged[0].UiUrl | Should -BeLike "*$($judged[0].TraceId)*event=$($judged[0].GenerationId)*"
        # The table shows the verdict, the evaluator and the reasoning.
        ($judged | Out-String -Width 200) | Should -Match '\[fail\] Helpfulness: '
    }

    It 'filters by verdict and evaluator, rebuilding sizes and dropping empty clusters' {
        $all = Get-ClusterItem -RunId $script:EvaluationRun
        $failed = Get-LlmCluster -RunId $script:EvaluationRun -Verdict fail
        ($failed | Measure-Object Size -Sum).Sum | Should -Be @($all | Where-Object Verdict -eq 'fail').Count
        $failed | ForEach-Object { $_.Size | Should -BeGreaterThan 0 }
        $bySize = @{}; $all | Where-Object Verdict -eq 'fail' | Group-Object ClusterId | ForEach-Object { $bySize[[int]$_.Name] = $_.Count }
        $failed | ForEach-Object { $_.Size | Should -Be $bySize[$_.ClusterId] }
        $code = Get-ClusterItem -RunId $script:EvaluationRun -EvaluationName 'no pii*' -Verdict 'pass', 'unk*'
        $code.Count | Should -Be @($all | Where-Object { $_.EvaluationName -eq 'No PII in answer' -and $_.Verdict -in 'pass', 'unknown' }).Count
        Get-ClusterItem -RunId $script:EvaluationRun -Verdict fail -Top 1 | Group-Object ClusterId | ForEach-Object { $_.Count | Should -Be 1 }
    }

    It 'refuses a verdict there is none of, and a filter on a trace run' {
        { Get-LlmCluster -RunId $script:EvaluationRun -Verdict passed -ErrorAction Stop } | Should -Throw -ErrorId 'ParameterArgumentValidationError,LlmClusters.Commands.GetLlmClusterCommand'
        $trace = Get-ClusterRun -Level trace -First 1
        Get-LlmCluster -RunId $trace -Verdict fail -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -Be 'EvaluationFilterNotApplicable,LlmClusters.Commands.GetLlmClusterCommand'
        $refused[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
    }

    It 'measures an evaluation run live as PostHog stores it' {
        $stored = Get-LlmCluster -RunId $script:EvaluationRun
        $live = Measure-ClusterMetrics -RunId $script:EvaluationRun
        foreach ($cluster in $stored) {
            $mine = $live | Where-Object ClusterId -eq $cluster.ClusterId
            $mine.ItemCount | Should -Be $cluster.ItemCount
            [Math]::Round($mine.PassRate, 6) | Should -Be ([Math]::Round($cluster.PassRate, 6))
            $mine.DominantEvaluationName | Should -Be $cluster.DominantEvaluationName
            $mine.ErrorCount | Should -Be $cluster.ErrorCount
        }
        { Measure-ClusterMetrics -RunId $script:EvaluationRun -PerItem -ErrorAction Stop } | Should -Throw -ErrorId 'MetricsNotAvailable,LlmClusters.Commands.MeasureClusterMetricsCommand'
    }

    It 'gives trace clusters the pass rate of their traces'' evaluations: which kind of usage fails them' {
        $clusters = Get-LlmCluster -RunId (Get-ClusterRun -Level trace -JobName 'Default*' -First 1) -ExcludeNoise
        $judged = @($clusters | Where-Object EvaluationCount -gt 0)
        $judged.Count | Should -BeGreaterThan 1
        $worst = $judged | Sort-Object PassRate | Select-Object -First 1
        $worst.PassRate | Should -BeLessThan ($judged | Sort-Object PassRate -Descending | Select-Object -First 1).PassRate
        ($clusters | Out-String -Width 80) | Should -Match 'Passed'
    }

    It 'completes verdicts and evaluator names' {
        function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
        Complete 'Get-ClusterItem -Verdict ' | Should -Be 'pass', 'fail', "'n/a'", 'unknown'
        Complete 'Get-LlmCluster -EvaluationName ' | Sort-Object | Should -Be (@("'No PII in answer'", 'Helpfulness') | Sort-Object)
    }
}

Describe "Get-ClusteringJob and ConvertFrom-ClusterRunId on $Source" {
    It 'lists the jobs (from run events, or from PostHog''s jobs endpoint)' {
        $jobs = Get-ClusteringJob
        $expected = @('Default - evaluations', 'Default - generations', 'Default - traces', 'Support: billing & login')
        # PostHog's endpoint also knows a job that never ran, with its state.
        if ($Source -eq 'PostHog') {
            $expected = @($expected + 'Paused - evaluations' | Sort-Object)
            ($jobs | Where-Object Name -eq 'Paused - evaluations').Enabled | Should -BeFalse
            ($jobs | Where-Object Name -eq 'Default - traces').Enabled | Should -BeTrue
        }
        $jobs.Name | Sort-Object | Should -Be $expected
        (Get-ClusteringJob -Name 'default - t*').RunCount | Should -Be 2
        Get-ClusteringJob -Id 'no-such-job' -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -Be 'JobNotFound,LlmClusters.Commands.GetClusteringJobCommand'
    }

    It 'takes both run id formats apart' {
        $new = ConvertFrom-ClusterRunId '2_generation_20260122_000043_019d92dc-3657-70b0-9a46-8c89b4a56b3c_rerun'
        $new.TeamId | Should -Be 2
        $new.Level | Should -Be 'generation'
        $new.JobId | Should -Be '019d92dc-3657-70b0-9a46-8c89b4a56b3c'
        $new.RunLabel | Should -Be 'rerun'
        $new.DayStart | Should -Be ([datetime]::new(2026, 1, 22, 0, 0, 0, [DateTimeKind]::Utc))
        $old = ConvertFrom-ClusterRunId '2_20260122_000043'
        $old.Level | Should -Be 'trace'
        $old.IsLegacy | Should -BeTrue
        { ConvertFrom-ClusterRunId 'x_y' -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRunId,LlmClusters.Commands.ConvertFromClusterRunIdCommand'
    }
}

Describe "Table views on $Source" {
    BeforeAll {
        # An id is whole when its cell, read down the lines it wraps over, spells it.
        function Test-WholeId([string[]] $Lines, [string] $Id) {
            $prefix = $Id.Substring(0, [Math]::Min(12, $Id.Length))
            for ($row = 0; $row -lt $Lines.Count; $row++) {
                $at = $Lines[$row].IndexOf($prefix)
                if ($at -lt 0) { continue }
                $read = ''
                for ($next = $row; $next -lt $Lines.Count -and $read.Length -lt $Id.Length -and $Lines[$next].Length -gt $at; $next++) {
                    $read += ($Lines[$next].Substring($at) -split ' ')[0]
                }
                if ($read -eq $Id) { return $true }
            }
            $false
        }
    }

    It 'fit <_> columns: no line is wider, no header wraps, no id is cut' -ForEach 80, 120 {
        $width = $_
        $run = Get-ClusterRun -Level trace -JobName 'Default*' -First 1
        $cluster = $run | Get-LlmCluster -ExcludeNoise | Select-Object -First 1
        $views = @(
            @{ Objects = @(Get-ClusterRun -First 3); Id = 'RunId' }
            @{ Objects = @(Get-ClusteringJob); Id = 'Id' }
            @{ Objects = @($run | Get-LlmCluster) }
            @{ Objects = @($cluster | Get-ClusterItem -Top 3); Id = 'ItemId' }
            @{ Objects = @(Get-ClusterRun -Level evaluation -First 1 | Get-ClusterItem -Top 2); Id = 'ItemId' }
            @{ Objects = @(Get-ClusterRun -Level evaluation -First 1 | Measure-ClusterMetrics) }
            @{ Objects = @($cluster | Measure-ClusterMetrics) }
            @{ Objects = @($cluster | Measure-ClusterMetrics -By Model) }
            @{ Objects = @($cluster | Measure-ClusterMetrics -PerItem | Select-Object -First 3); Id = 'ItemId' }
            @{ Objects = @(Get-LlmTrace -Since (Get-Date).AddDays(-7) -First 3); Id = 'TraceId' }
            @{ Objects = @((Get-LlmTrace -Since (Get-Date).AddDays(-7) -First 1 | Get-LlmTrace).Events) }
            @{ Objects = @(Get-ClusterRun -JobName 'Default - traces' -First 2 | Compare-ClusterRun) }
        )
        foreach ($view in $views) {
            $view.Objects.Count | Should -BeGreaterThan 0
            $lines = ($view.Objects | Out-String -Width $width) -split "`r?`n"
            $type = $view.Objects[0].GetType().Name
            $lines | Where-Object { $_.TrimEnd().Length -gt $width } | Should -BeNullOrEmpty -Because "$type rows fit $width columns"
            for ($i = 2; $i -lt $lines.Count; $i++) {
                # Above each header's dashes is its one line of labels, and above that a blank line or a group's label.
                if ($lines[$i] -match '^-[- ]*$') { $lines[$i - 2] | Should -Match '^$|^   \S' -Because "the $type header does not wrap at $width" }
            }
            if ($view.Id) {
                foreach ($id in $view.Objects.($view.Id)) { Test-WholeId $lines $id | Should -BeTrue -Because "$type shows $id whole at $width" }
            }
        }
    }
}

Describe "Tab completion on $Source" {
    It 'completes run ids' {
        $runs = (Get-ClusterRun).RunId
        $result = TabExpansion2 -inputScript 'Get-LlmCluster -RunId ' -cursorColumn 'Get-LlmCluster -RunId '.Length
        $result.CompletionMatches.CompletionText | Sort-Object | Should -Be ($runs | Sort-Object)
        $prefix = $runs[0].Substring(0, $runs[0].Length - 2)
        $line = "Get-LlmCluster -RunId $prefix"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain $runs[0]
    }

    It 'completes models, providers, job names and job ids from the data' {
        function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
        $models = @(Get-LlmTrace -Since (Get-Date).AddDays(-7) -First 1000).Models | Select-Object -Unique
        Complete 'Get-LlmTrace -Model ' | Sort-Object | Should -Be ($models | Sort-Object)
        Complete 'Get-LlmTrace -Model GPT-4' | ForEach-Object { $_ | Should -BeLike 'gpt-4*' }
        Complete 'Get-LlmTrace -Provider op' | Should -Be 'openai'
        $jobs = Get-ClusteringJob
        Complete 'Get-ClusterRun -JobName ' | Sort-Object | Should -Be ($jobs.Name | ForEach-Object { "'$_'" } | Sort-Object)
        Complete 'Get-ClusteringJob -Id ' | Sort-Object | Should -Be ($jobs.Id | Sort-Object)
        Complete 'ConvertFrom-ClusterRunId ' | Should -Contain (Get-ClusterRun -First 1).RunId
    }

    It 'completes the cluster ids of the chosen run' {
        $run = Get-ClusterRun -Level generation
        $line = "Get-LlmCluster -RunId $($run.RunId) -ClusterId "
        $result = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $result.CompletionMatches.CompletionText | Should -Be (Get-LlmCluster -RunId $run.RunId).ClusterId
        $result.CompletionMatches[0].ToolTip | Should -Match 'items'
    }
}

Describe "Compare-ClusterRun on $Source" {
    It 'compares each piped run with the previous one of its job and level' {
        $runs = Get-ClusterRun -JobName 'Default - traces'
        $changes = $runs | Compare-ClusterRun
        $changes[0] | Should -BeOfType 'LlmClusters.Core.Model.ClusterChange'
        $changes | ForEach-Object {
            $_.ReferenceRunId | Should -Be $runs[1].RunId
            $_.DifferenceRunId | Should -Be $runs[0].RunId
        }
        # The demo's kinds of traffic come back every day under the same titles.
        @($changes | Where-Object { $_.Status -in 'Stable', 'Grown', 'Shrunk' -and $_.ReferenceClusterId -ne -1 }).Count | Should -BeGreaterOrEqual 6
        ($changes | Where-Object DifferenceTitle -like '*invoice*').ReferenceTitle | Should -BeLike '*invoice*'
        ($changes | Out-String -Width 200) | Should -Match 'Status\s+Clusters\s+Sizes'
        # The table names both runs it compares.
        ($changes | Out-String -Width 200) | Should -Match ([regex]::Escape("Compared: $($runs[1].RunId)") + '\s+' + [regex]::Escape("→ $($runs[0].RunId)"))
    }

    It 'refuses to compare runs of different levels, whose items are different things' {
        $trace = Get-ClusterRun -Level trace -First 1
        $generation = Get-ClusterRun -Level generation -First 1
        { Compare-ClusterRun -ReferenceRunId $generation.RunId -DifferenceRunId $trace.RunId -ErrorAction Stop } | Should -Throw -ErrorId 'RunLevelsDiffer,LlmClusters.Commands.CompareClusterRunCommand'
        $error[0].ErrorDetails.Message | Should -Match 'generation-level'
    }

    It 'compares two runs by id, and reports a malformed one' {
        $runs = Get-ClusterRun -JobName 'Default - traces'
        (Compare-ClusterRun -ReferenceRunId $runs[1].RunId -DifferenceRunId $runs[0].RunId).Count | Should -BeGreaterThan 0
        { Compare-ClusterRun -ReferenceRunId 'nope' -DifferenceRunId $runs[0].RunId } | Should -Throw -ErrorId 'CannotConvertArgumentNoMessage,LlmClusters.Commands.CompareClusterRunCommand' -ExpectedMessage "*'nope' is not a clustering run id*"
    }
}

Describe "Export-LlmClusterReport on $Source" {
    It 'writes the page to -Path, and to a -LiteralPath whose name has wildcard characters' {
        $run = Get-ClusterRun -JobName 'Default - traces' -First 1
        $report = Join-Path $TestDrive 'report.html'
        (Export-LlmClusterReport -Path $report -RunId $run.RunId -PassThru).FullName | Should -Be $report
        $odd = Join-Path $TestDrive 'week [12].html'
        (Export-LlmClusterReport -LiteralPath $odd -RunId $run.RunId -PassThru).FullName | Should -Be $odd
        Get-Content -LiteralPath $odd -Raw | Should -Match '<canvas id="map"'
        { Export-LlmClusterReport -Path (Join-Path $TestDrive 'nothing*.html') -RunId $run.RunId } | Should -Throw -ErrorId 'PathNotSingle,LlmClusters.Commands.ExportLlmClusterReportCommand'
    }

    It 'renders in a real browser with one mark per item and one row per cluster' {
        $chromium = '/usr/bin/chromium'
        if (-not (Test-Path $chromium)) { Set-ItResult -Skipped -Because 'there is no browser at /usr/bin/chromium to draw the page in (on Debian: apt-get install chromium)'; return }
        $run = Get-ClusterRun -JobName 'Default - traces' -First 1
        $report = Join-Path $TestDrive 'report.html'
        Export-LlmClusterReport -Path $report -RunId $run.RunId
        $profile = Join-Path $TestDrive 'chromium-profile'
        $flags = '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', "--user-data-dir=$profile", '--virtual-time-budget=5000'
        $dom = & timeout 120 $chromium @flags --dump-dom "file://$report" 2>$null | Out-String
        $items = @(Get-ClusterItem -RunId $run.RunId).Count
        $dom | Should -Match "data-marks=`"$items`""
        ([regex]::Matches($dom, '<tr><td data-v=')).Count | Should -Be $run.ClusterCount
        $shot = Join-Path $env:LLMCLUSTERS_TEST_OUTPUT 'cluster-report.png'
        & timeout 120 $chromium @flags --window-size=1200,1400 "--screenshot=$shot" "file://$report" 2>$null | Out-Null
        (Get-Item $shot).Length | Should -BeGreaterThan 10000
    }

    It 'shows only the piped clusters, and refuses clusters of several runs' {
        $run = Get-ClusterRun -JobName 'Default - traces' -First 1
        $report = Join-Path $TestDrive 'some.html'
        $run | Get-LlmCluster -ClusterId 0, 1 | Export-LlmClusterReport -Path $report
        ([regex]::Matches((Get-Content -Raw $report), '<tr><td data-v=')).Count | Should -Be 2
        { Get-ClusterRun | Get-LlmCluster | Export-LlmClusterReport -Path $report } | Should -Throw -ErrorId 'SeveralRuns,LlmClusters.Commands.ExportLlmClusterReportCommand'
    }
}
