# Faults, as a user meets them: failed, runaway and cancelled statements, folders in use, pipelines that do not fit,
# times through CSV, damaged files and data. Each would once have given a wrong answer, a hang or data in the wrong place.

BeforeAll {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
    . (Join-Path $PSScriptRoot 'TestSource.ps1')
    $script:DataPath = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-reliability-" + [guid]::NewGuid().ToString('N'))
    Connect-LlmAnalytics -Path $script:DataPath
    New-LlmDemoData -TraceCount 300 -Seed 4 -Confirm:$false | Out-Null

    # A pwsh process of its own, with the module imported and the environment given; returns its exit code, output and errors.
    function Invoke-Child([string] $Script, [hashtable] $Environment = @{}, [int] $WaitSeconds = 120) {
        $info = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($argument in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', "Import-Module '$env:LLMCLUSTERS_TEST_MODULE'; $Script") { $info.ArgumentList.Add($argument) }
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        $info.UseShellExecute = $false
        $info.Environment['LLMCLUSTERS_CHDB_LIBRARY'] = $env:LLMCLUSTERS_TEST_ENGINE
        foreach ($name in $Environment.Keys) { $info.Environment[$name] = $Environment[$name] }
        $process = [Diagnostics.Process]::Start($info)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $exited = $process.WaitForExit($WaitSeconds * 1000)
        if (-not $exited) { $process.Kill($true) }
        [pscustomobject]@{ Exited = $exited; ExitCode = if ($exited) { $process.ExitCode }; Output = $stdout.Result; Errors = $stderr.Result }
    }

    # The same module in another runspace of this process: what ForEach-Object -Parallel or a runbook host runs.
    function New-ModuleRunspace {
        $powershell = [powershell]::Create()
        $null = $powershell.AddScript("Import-Module '$env:LLMCLUSTERS_TEST_MODULE'").Invoke()
        $powershell.Commands.Clear()
        $powershell
    }
}

AfterAll {
    Disconnect-LlmAnalytics
    Remove-Item $script:DataPath -Recurse -Force -ErrorAction SilentlyContinue
}


Describe 'Long results stream' {
    # In a pwsh of its own whose managed heap is capped at 160 MB: held whole, six million rows would need over 336 MB
    # even as bare values (gigabytes as objects), so only rows written as they come get through. The heap of this
    # process is no measure: other tests allocate in it.
    BeforeAll {
        $script:Capped = @{ DOTNET_GCHeapHardLimit = '0xA000000' }
        $script:Folder = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-stream-" + [guid]::NewGuid().ToString('N'))
    }
    AfterAll { Remove-Item $script:Folder -Recurse -Force -ErrorAction SilentlyContinue }

    It 'writes six million rows as they come, in a heap too small to hold them' {
        $child = Invoke-Child "Connect-LlmAnalytics -Path '$script:Folder'; (Invoke-LlmQuery 'SELECT number FROM numbers(6000000)' | Measure-Object).Count" $script:Capped -WaitSeconds 300
        $child.Exited | Should -BeTrue
        $child.ExitCode | Should -Be 0 -Because $child.Errors
        ($child.Output.Trim() -split "`n")[-1] | Should -Be '6000000'
    }

    It 'is a cap that rows held whole do not get through' {
        # The same rows collected into an array run out of that heap: the cap would catch a command that held them.
        $child = Invoke-Child "Connect-LlmAnalytics -Path '$script:Folder-held'; `$all = @(Invoke-LlmQuery 'SELECT number FROM numbers(6000000)'); `$all.Count" $script:Capped -WaitSeconds 300
        Remove-Item "$script:Folder-held" -Recurse -Force -ErrorAction SilentlyContinue
        ($child.Output.Trim() -split "`n")[-1] | Should -Not -Be '6000000'
    }
}

Describe 'Traces that vanish between listing and formatting' {
    It 'warns once for the trace whose events are gone, and renders the others' {
        $at = (Get-Date).ToUniversalTime().AddMinutes(-2)
        try {
            foreach ($id in 'vanishing-trace', 'kept-trace') {
                $properties = @{ '$ai_trace_id' = $id; '$ai_model' = 'gpt-4o'; '$ai_is_error' = 'true'; '$ai_error' = 'boom' } | ConvertTo-Json -Compress
                Invoke-LlmQuery "INSERT INTO events (uuid, event, properties, timestamp, team_id, distinct_id) SELECT generateUUIDv4(), '`$ai_generation', {p:String}, {t:DateTime64(6)}, 1, 'u'" `
                    -Parameter @{ p = $properties; t = $at } -Confirm:$false
            }
            $listed = Get-LlmTrace -ErrorOnly -Since (Get-Date).AddMinutes(-5) | Where-Object TraceId -in 'vanishing-trace', 'kept-trace'
            ($listed.TraceId | Sort-Object) | Should -Be @('kept-trace', 'vanishing-trace')
            # Retention drops one after it was listed.
            Invoke-LlmQuery "DELETE FROM events WHERE JSONExtractString(properties, '`$ai_trace_id') = {id:String}" -Parameter @{ id = 'vanishing-trace' } -Confirm:$false

            $lines = $listed | Format-LlmTrace -Width 100 -WarningVariable warned -WarningAction SilentlyContinue

            $warned.Count | Should -Be 1
            $warned[0] | Should -Match 'Trace vanishing-trace was listed, but its events are no longer'
            @($lines | Where-Object { $_ -like 'Trace *' }) | Should -Be @('Trace kept-trace  gpt-4o')
            $lines | Should -Contain '   ERROR: boom'
        }
        finally {
            Invoke-LlmQuery "DELETE FROM events WHERE JSONExtractString(properties, '`$ai_trace_id') IN ('vanishing-trace', 'kept-trace')" -Confirm:$false
        }
    }
}
Describe 'A failed statement leaves nothing behind' {
    It 'answers the next statement with its own rows after a failure while rows were being written' {
        { Invoke-LlmQuery "SELECT toString(throwIf(number = 3, 'boom')) AS s FROM numbers(10)" -ErrorAction Stop } | Should -Throw -ErrorId 'QueryFailed,LlmClusters.Commands.InvokeLlmQueryCommand'
        $rows = @(Invoke-LlmQuery "SELECT 'hello' AS greeting")
        $rows.Count | Should -Be 1
        $rows[0].greeting | Should -Be 'hello'
        @($rows[0].PSObject.Properties.Name) | Should -Be @('greeting')
    }

    It 'reads runs after a failure' {
        Invoke-LlmQuery "SELECT toString(throwIf(number = 3, 'boom')) AS s FROM numbers(10)" -ErrorAction SilentlyContinue
        $runs = Get-ClusterRun -First 2
        $runs.Count | Should -Be 2
        $runs | ForEach-Object { $_.RunId | Should -Match '^\d+_' }
    }
}

Describe 'Every statement has a time limit' {
    It 'stops a runaway statement at the limit given for it, with an error that names the limit' {
        Invoke-LlmQuery 'SELECT count() AS c FROM system.numbers' -TimeoutSeconds 1 -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -Be 'QueryTimeout,LlmClusters.Commands.InvokeLlmQueryCommand'
        $failed[0].CategoryInfo.Category | Should -Be 'OperationTimeout'
        $failed[0].ErrorDetails.Message | Should -Match 'time limit'
        $failed[0].ErrorDetails.Message | Should -Match '-QueryTimeoutSeconds'
        (Invoke-LlmQuery 'SELECT 42 AS answer').answer | Should -Be 42
    }

    It 'stops it at the connection''s limit, on an embedded connection' {
        $limited = Connect-LlmAnalytics -Path $script:DataPath -QueryTimeoutSeconds 1 -PassThru
        try {
            { Invoke-LlmQuery 'SELECT count() AS c FROM system.numbers' -Connection $limited -ErrorAction Stop } | Should -Throw -ErrorId 'QueryTimeout,LlmClusters.Commands.InvokeLlmQueryCommand'
        }
        finally { Connect-LlmAnalytics -Path $script:DataPath }
    }

    It 'stops it at the connection''s limit on a ClickHouse server too' {
        $endpoint = Start-Endpoint -TraceCount 50
        try {
            $server = Connect-LlmAnalytics -Server 127.0.0.1 -Port $endpoint.Port -TeamId 1 -QueryTimeoutSeconds 1 -PassThru
            { Invoke-LlmQuery 'SELECT count() AS c FROM system.numbers' -Connection $server -ErrorAction Stop } | Should -Throw -ErrorId 'QueryTimeout,LlmClusters.Commands.InvokeLlmQueryCommand'
            (Invoke-LlmQuery 'SELECT 7 AS n' -Connection $server).n | Should -Be 7
        }
        finally {
            Connect-LlmAnalytics -Path $script:DataPath
            Stop-Endpoint $endpoint
        }
    }
}

Describe 'Ctrl+C and exit' {
    It 'Ctrl+C stops a runaway statement in the engine, and the next command runs' {
        $other = New-ModuleRunspace
        try {
            $null = $other.AddScript("Connect-LlmAnalytics -Path '$script:DataPath'; Invoke-LlmQuery 'SELECT count() AS c FROM system.numbers' -TimeoutSeconds 0")
            $running = $other.BeginInvoke()
            Start-Sleep -Seconds 2
            $running.IsCompleted | Should -BeFalse
            $other.Stop()   # what Ctrl+C does
            $running.AsyncWaitHandle.WaitOne(60000) | Should -BeTrue
            $rows = @(Invoke-LlmQuery "SELECT 'after' AS word")
            $rows.Count | Should -Be 1
            $rows[0].word | Should -Be 'after'
        }
        finally { $other.Dispose() }
    }

    It 'exit leaves while a statement runs' {
        $folder = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-exit-" + [guid]::NewGuid().ToString('N'))
        $child = Invoke-Child -WaitSeconds 90 -Script @"
`$busy = [powershell]::Create()
`$null = `$busy.AddScript("Import-Module '$env:LLMCLUSTERS_TEST_MODULE'; Connect-LlmAnalytics -Path '$folder'; Invoke-LlmQuery 'SELECT count() AS c FROM system.numbers' -TimeoutSeconds 0")
`$null = `$busy.BeginInvoke()
Start-Sleep -Seconds 3
'leaving'
exit 3
"@
        $child.Exited | Should -BeTrue -Because 'exit must not wait for the engine'
        $child.ExitCode | Should -Be 3
        $child.Output | Should -Match 'leaving'
        Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue
    }
}

Describe 'One engine, several runspaces' {
    It 'Disconnect-LlmAnalytics in one runspace leaves another''s running statement to finish' {
        $other = New-ModuleRunspace
        try {
            $null = $other.AddScript("Connect-LlmAnalytics -Path '$script:DataPath'; @(Invoke-LlmQuery 'SELECT number, sleepEachRow(0.5) AS s FROM numbers(6) SETTINGS max_block_size = 1').Count")
            $running = $other.BeginInvoke()
            Start-Sleep -Seconds 1
            Disconnect-LlmAnalytics -Verbose 4>&1 | Out-String | Should -Match 'stays open'
            $running.AsyncWaitHandle.WaitOne(60000) | Should -BeTrue
            $other.EndInvoke($running) | Should -Be 6
            $other.HadErrors | Should -BeFalse
        }
        finally {
            $other.Dispose()
            Connect-LlmAnalytics -Path $script:DataPath
        }
    }
}

Describe 'Connections never move to another folder' {
    It 'refuses a folder another process has open, says so, and keeps the current connection' {
        $endpoint = Start-Endpoint -TraceCount 20
        try {
            $failed = $null
            $warned = @()
            try { Connect-LlmAnalytics -Path $endpoint.Folder 3>&1 | ForEach-Object { $warned += "$_" } }
            catch { $failed = $_ }
            $failed.FullyQualifiedErrorId | Should -Be 'DataFolderInUse,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
            $failed.CategoryInfo.Category | Should -Be 'ResourceBusy'
            $failed.Exception.Message | Should -Match "in use by process $($endpoint.Process.Id)"
            $failed.Exception.Message | Should -Match 'Disconnect-LlmAnalytics'
            $warned | Should -Match ([regex]::Escape($script:DataPath))
            (Get-LlmAnalyticsConnection).Location | Should -Be $script:DataPath

            # In a process of its own, the engine's own complaint never reaches the console.
            $child = Invoke-Child "try { Connect-LlmAnalytics -Path '$($endpoint.Folder)' } catch { `$_.FullyQualifiedErrorId }"
            $child.Output | Should -Match 'DataFolderInUse'
            $child.Errors | Should -Not -Match 'Cannot lock'
            $child.Output | Should -Not -Match 'Cannot lock'
        }
        finally { Stop-Endpoint $endpoint }
    }

    It 'after a first connect that failed, commands say they are not connected instead of reading the default folder' {
        $other = New-ModuleRunspace
        try {
            $null = $other.AddScript("try { Connect-LlmAnalytics -Path '/proc/llmclusters-not-here' } catch { }; try { Get-ClusterRun } catch { `$_ }")
            $record = $other.Invoke() | Select-Object -Last 1
            $record.FullyQualifiedErrorId | Should -Be 'NotConnected,LlmClusters.Commands.GetClusterRunCommand'
            $record.Exception.Message | Should -Match 'Connect-LlmAnalytics'
        }
        finally { $other.Dispose() }
    }

    It 'after Disconnect-LlmAnalytics, commands say they are not connected and how to connect' {
        $other = New-ModuleRunspace
        try {
            $null = $other.AddScript("Connect-LlmAnalytics -Path '$script:DataPath'; Disconnect-LlmAnalytics; try { Get-LlmCluster } catch { `$_ }")
            $record = $other.Invoke() | Select-Object -Last 1
            $record.FullyQualifiedErrorId | Should -Be 'NotConnected,LlmClusters.Commands.GetLlmClusterCommand'
            $record.Exception.Message | Should -Match 'Disconnect-LlmAnalytics ended the connection'
            $record.Exception.Message | Should -Match 'Connect-LlmAnalytics \(-Path'
        }
        finally { $other.Dispose() }
    }

    It 'keeps each runspace''s connection its own' {
        $other = New-ModuleRunspace
        try {
            $null = $other.AddScript("(Get-LlmAnalyticsConnection -ErrorAction SilentlyContinue) -eq `$null")
            $other.Invoke() | Should -BeTrue
            (Get-LlmAnalyticsConnection).Location | Should -Be $script:DataPath
        }
        finally { $other.Dispose() }
    }
}

Describe 'Pipelines bind only what fits' {
    It 'reads a run once however many of its items are piped' {
        $clusters = @(Get-LlmCluster)
        $fromItems = @(Get-ClusterItem -Top 1 | Get-LlmCluster)
        $fromItems.Count | Should -Be $clusters.Count
        ($fromItems.ClusterId | Sort-Object) | Should -Be ($clusters.ClusterId | Sort-Object)
    }

    It 'reads a piped cluster''s own traces' {
        $cluster = Get-LlmCluster -ExcludeNoise | Select-Object -First 1
        $traces = @($cluster | Get-LlmTrace -First 2)
        $traces.Count | Should -Be 2
        $traces | ForEach-Object { $_.RunId | Should -Be $cluster.RunId; $_.ClusterId | Should -Be $cluster.ClusterId }
    }

    It 'refuses objects that carry no trace id, once, saying what to pipe instead' {
        $traces = Get-ClusterRun | Get-LlmTrace -ErrorVariable refused -ErrorAction SilentlyContinue
        $traces | Should -BeNullOrEmpty
        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -Be 'PipelineInputNotUsable,LlmClusters.Commands.GetLlmTraceCommand'
        $refused[0].Exception.Message | Should -Match 'ClusterRun'
        $refused[0].Exception.Message | Should -Match 'Get-ClusterItem'
    }

    It 'refuses traces piped where runs are expected, once' {
        $piped = @(Get-LlmTrace -Since (Get-Date).AddDays(-30) -First 5)
        $piped.Count | Should -Be 5
        $metrics = $piped | Measure-ClusterMetrics -ErrorVariable refused -ErrorAction SilentlyContinue
        $metrics | Should -BeNullOrEmpty
        $refused.Count | Should -Be 1
        $refused[0].Exception.Message | Should -Match 'the 5 piped LlmTrace objects'
    }

    It 'refuses objects of another kind once, on every cmdlet that takes objects: <Command>' -ForEach @(
        @{ Command = 'Compare-ClusterRun'; Pipe = { Get-LlmCluster | Select-Object -First 1 | Get-ClusterItem -Top 4 } }
        @{ Command = 'Format-LlmTrace'; Pipe = { Get-ClusterRun -First 3 } }
        @{ Command = 'Export-LlmClusterReport'; Pipe = { Get-LlmTrace -Since (Get-Date).AddDays(-30) -First 3 } }
    ) {
        $extra = if ($Command -eq 'Export-LlmClusterReport') { @{ Path = Join-Path $TestDrive 'r.html' } } else { @{} }
        $out = & $Pipe | & $Command @extra -ErrorVariable refused -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        $refused.Count | Should -Be 1
        $refused[0].FullyQualifiedErrorId | Should -BeLike 'PipelineInputNotUsable,*'
        $refused[0].Exception.Message | Should -Match "^$Command cannot use "
    }

    It 'binds a job''s Id to the runs of that job' {
        $job = Get-ClusteringJob | Where-Object Name -eq 'Default - traces'
        $runs = @($job | Get-ClusterRun -Since (Get-Date).AddDays(-30))
        $runs.Count | Should -BeGreaterThan 0
        $runs | ForEach-Object { $_.JobId | Should -Be $job.Id }
    }
}

Describe 'Times keep their zone through CSV' {
    It 'finds exported items'' traces again under <_>' -ForEach 'Asia/Tokyo', 'America/Los_Angeles' {
        $csv = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-items-" + [guid]::NewGuid().ToString('N') + '.csv')
        $items = Get-LlmCluster -ExcludeNoise | Select-Object -First 1 | Get-ClusterItem -Top 5
        $items | Export-Csv $csv
        # The engine lets one process have a folder: this one lets go of it while the other reads.
        Disconnect-LlmAnalytics
        try { $child = Invoke-Child -Environment @{ TZ = $_ } "Connect-LlmAnalytics -Path '$script:DataPath'; [TimeZoneInfo]::Local.Id; @(Import-Csv '$csv' | Get-LlmTrace).Count" }
        finally { Connect-LlmAnalytics -Path $script:DataPath }
        Remove-Item $csv
        $lines = $child.Output.Trim() -split '\r?\n'
        $lines[0] | Should -Be $_
        $lines[-1] | Should -Be '5'
    }
}

Describe 'Import-LlmEvent refuses what would be lost' {
    BeforeAll {
        $script:Exports = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-exports-" + [guid]::NewGuid().ToString('N'))
        New-Item -ItemType Directory -Path $script:Exports | Out-Null
        $script:ImportFolder = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-importing-" + [guid]::NewGuid().ToString('N'))
        $script:Target = Connect-LlmAnalytics -Path $script:ImportFolder -PassThru
        Connect-LlmAnalytics -Path $script:DataPath
    }
    AfterAll {
        Remove-Item $script:Exports, $script:ImportFolder -Recurse -Force -ErrorAction SilentlyContinue
    }

    It 'says so when a wildcard matches no file' {
        Import-LlmEvent (Join-Path $script:Exports 'nothing-*.jsonl') -Connection $script:Target -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -Be 'FileNotFound,LlmClusters.Commands.ImportLlmEventCommand'
    }

    It 'refuses events without a uuid, naming the line, and adds them with -DeriveMissingUuid' {
        $file = Join-Path $script:Exports 'no-uuid.jsonl'
        Set-Content $file -Value @(
            '{"uuid":"50000000-0000-4000-8000-000000000001","event":"$ai_generation","properties":{},"timestamp":"2026-03-01T10:00:00Z","team_id":1,"distinct_id":"a"}'
            '{"event":"$ai_generation","properties":{"n":1},"timestamp":"2026-03-01T10:00:01Z","team_id":1,"distinct_id":"a"}'
            '{"event":"$ai_generation","properties":{"n":2},"timestamp":"2026-03-01T10:00:02Z","team_id":1,"distinct_id":"a"}'
        )
        Import-LlmEvent $file -Connection $script:Target -ErrorVariable refused -ErrorAction SilentlyContinue -Confirm:$false | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -Be 'ImportFailed,LlmClusters.Commands.ImportLlmEventCommand'
        $refused[0].Exception.Message | Should -Match 'no-uuid\.jsonl'
        $refused[0].Exception.Message | Should -Match 'line 2'
        $result = Import-LlmEvent $file -Connection $script:Target -DeriveMissingUuid -Confirm:$false
        $result.EventsAdded | Should -Be 3
        $result.UuidsDerived | Should -Be 2
    }

    It 'imports a file whose name holds pattern characters, and only that file' {
        Set-Content (Join-Path $script:Exports 'qa.jsonl') -Value '{"uuid":"70000000-0000-4000-8000-000000000001","event":"$ai_generation","properties":{},"timestamp":"2026-03-02T10:00:00Z","team_id":1,"distinct_id":"a"}'
        $odd = Join-Path $script:Exports 'q?{a,b}.jsonl'
        Set-Content -LiteralPath $odd -Value '{"uuid":"70000000-0000-4000-8000-000000000002","event":"$ai_generation","properties":{},"timestamp":"2026-03-02T10:00:01Z","team_id":1,"distinct_id":"a"}'
        $result = Import-LlmEvent -LiteralPath $odd -Connection $script:Target -Confirm:$false
        $result.EventsRead | Should -Be 1
        (Invoke-LlmQuery -Connection $script:Target "SELECT count() AS n FROM events WHERE uuid = toUUID('70000000-0000-4000-8000-000000000001')").n | Should -Be 0
    }

    It 'refuses events without a timestamp, naming the line' {
        $file = Join-Path $script:Exports 'no-time.jsonl'
        Set-Content $file -Value '{"uuid":"60000000-0000-4000-8000-000000000001","event":"$ai_generation","properties":{},"team_id":1,"distinct_id":"a"}'
        Import-LlmEvent -LiteralPath $file -Connection $script:Target -ErrorVariable refused -ErrorAction SilentlyContinue -Confirm:$false | Should -BeNullOrEmpty
        $refused[0].Exception.Message | Should -Match 'no timestamp \(the first on line 1\)'
    }
}

Describe 'Text from the data never drives the terminal' {
    BeforeAll {
        $esc = [char]27
        $bel = [char]7
        $script:Hostile = "Clear ${esc}[2J the screen and ${esc}]0;owned$bel retitle"
        $traceId = 'hostile-' + [guid]::NewGuid().ToString('N')
        $properties = @{ '$ai_trace_id' = $traceId; '$ai_model' = "gpt-${esc}[31mred"; '$ai_input' = $script:Hostile; '$ai_output_choices' = 'fine' } | ConvertTo-Json -Compress
        Invoke-LlmQuery "INSERT INTO events (uuid, event, properties, timestamp, team_id, distinct_id) VALUES (generateUUIDv4(), '`$ai_generation', {p:String}, now64(6), 1, 'x')" -Parameter @{ p = $properties } -Confirm:$false
        $script:Trace = Get-LlmTrace -TraceId $traceId
    }

    It 'keeps the original text on the objects' {
        $script:Trace.Events[0].Input | Should -Be $script:Hostile
    }

    It 'shows control characters escaped in Format-LlmTrace and in the table views' {
        $rendered = ($script:Trace | Format-LlmTrace -Full) -join "`n"
        $rendered | Should -Not -Match "[\x00-\x08\x0b-\x1f\x7f-\x9f]"
        $rendered | Should -Match ([regex]::Escape('\x1b[2J'))
        $rendered | Should -Match ([regex]::Escape('\x07'))
        $table = $script:Trace | Out-String -Width 300
        $table | Should -Not -Match "\x1b"
        $events = $script:Trace.Events | Out-String -Width 300
        $events | Should -Not -Match "\x1b"
        $events | Should -Match ([regex]::Escape('gpt-\x1b[31mred'))
    }

    It 'shows them escaped in warnings and error messages too' {
        $esc = [char]27
        Get-LlmTrace -TraceId "nothing${esc}[2Jhere" -ErrorVariable missing -ErrorAction SilentlyContinue
        $missing[0].ErrorDetails.Message | Should -Not -Match "\x1b"
        $missing[0].ErrorDetails.Message | Should -Match ([regex]::Escape('nothing\x1b[2Jhere'))
        $missing[0].TargetObject | Should -Be "nothing${esc}[2Jhere"
    }
}

Describe 'Smaller faults' {
    It 'refuses a run id whose day has no next day as a run id' {
        { ConvertFrom-ClusterRunId 1_trace_99991231_235959 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidRunId,LlmClusters.Commands.ConvertFromClusterRunIdCommand'
    }

    It 'refuses <Name> in Invoke-LlmQuery with its own error' -ForEach @(
        @{ Name = 'two statements'; Sql = 'SELECT 1 AS a; SELECT 2 AS b'; Id = 'MultipleStatements' }
        @{ Name = 'a FORMAT clause'; Sql = 'SELECT 1 AS a FORMAT CSV'; Id = 'OutputFormatNotAllowed' }
        @{ Name = 'a blank statement'; Sql = '   '; Id = 'EmptyStatement' }
        @{ Name = 'only a comment'; Sql = '-- nothing'; Id = 'EmptyStatement' }
    ) {
        Invoke-LlmQuery $Sql -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -Be "$Id,LlmClusters.Commands.InvokeLlmQueryCommand"
        $refused[0].Exception.Message | Should -Not -BeNullOrEmpty
    }

    It 'refuses <Name>, which would change the session every later command shares' -ForEach @(
        @{ Name = 'SET'; Sql = 'SET limit = 1' }
        @{ Name = 'USE'; Sql = 'USE system' }
    ) {
        Invoke-LlmQuery $Sql -Confirm:$false -ErrorVariable refused -ErrorAction SilentlyContinue
        $refused[0].FullyQualifiedErrorId | Should -Be 'SessionStatementNotAllowed,LlmClusters.Commands.InvokeLlmQueryCommand'
        $refused[0].Exception.Message | Should -Match 'SETTINGS'
        @(Invoke-LlmQuery 'SELECT number FROM numbers(5)').Count | Should -Be 5
    }

    It 'refuses a FORMAT clause before a SETTINGS clause too' {
        Invoke-LlmQuery 'SELECT 1 AS x FORMAT CSV SETTINGS max_threads = 1' -ErrorVariable refused -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -Be 'OutputFormatNotAllowed,LlmClusters.Commands.InvokeLlmQueryCommand'
    }

    It 'reads nan, inf and text that is not UTF-8 without failing' {
        $row = Invoke-LlmQuery "SELECT nan AS n, inf AS i, -inf AS m, unhex('41ff42') AS bytes"
        [double]::IsNaN($row.n) | Should -BeTrue
        $row.i | Should -Be ([double]::PositiveInfinity)
        $row.m | Should -Be ([double]::NegativeInfinity)
        $row.bytes | Should -Be "A$([char]0xFFFD)B"
    }

    It 'refuses a window that ends before it starts when reading traces by id' {
        { Get-LlmTrace -TraceId x -Since (Get-Date) -Until (Get-Date).AddDays(-40) } | Should -Throw -ErrorId 'InvalidTimeRange,LlmClusters.Commands.GetLlmTraceCommand'
    }

    It 'reads the traces of clusters read back from CSV' {
        $csv = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-clusters-" + [guid]::NewGuid().ToString('N') + '.csv')
        Get-LlmCluster -ExcludeNoise | Select-Object -First 2 | Export-Csv $csv
        $traces = @(Import-Csv $csv | Get-LlmTrace -First 2)
        Remove-Item $csv
        $traces.Count | Should -Be 4
    }

    It 'asks before a statement that writes, and -WhatIf runs nothing' {
        Invoke-LlmQuery 'CREATE TABLE kept (x UInt8) ENGINE = Memory' -Confirm:$false
        Invoke-LlmQuery 'DROP TABLE kept' -WhatIf
        (Invoke-LlmQuery "SELECT count() AS n FROM system.tables WHERE name = 'kept' AND database = currentDatabase()").n | Should -Be 1
        Invoke-LlmQuery 'DROP TABLE kept' -Confirm:$false
    }

    It 'reports each cluster asked for that the run lacks, beside the ones it has' {
        $items = Get-ClusterItem -ClusterId 1, 999 -Top 2 -ErrorVariable missing -ErrorAction SilentlyContinue
        @($items).Count | Should -Be 2
        $items.ClusterId | Sort-Object -Unique | Should -Be 1
        $missing[0].FullyQualifiedErrorId | Should -Be 'ClusterNotFound,LlmClusters.Commands.GetClusterItemCommand'
        $missing[0].Exception.Message | Should -Match '999'
    }

    It 'gives a full sentence in the exception of a refusal, for runbooks that log it' {
        try { Invoke-LlmClustering -Method kmeans -MinK 9 -MaxK 3 -ErrorAction Stop; throw 'not refused' }
        catch { $_.Exception.Message | Should -Match '-MinK \(9\) must not be larger than -MaxK \(3\)' }
    }

    Context 'damaged run events' {
        BeforeAll {
            $script:Damaged = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-damaged-" + [guid]::NewGuid().ToString('N'))
            Connect-LlmAnalytics -Path $script:Damaged
            function Add-RunEvent([string] $Properties, [datetime] $At) {
                Invoke-LlmQuery "INSERT INTO events (uuid, event, properties, timestamp, team_id, distinct_id) VALUES (generateUUIDv4(), '`$ai_trace_clusters', {p:String}, {t:DateTime64(6, 'UTC')}, 1, 'x')" -Parameter @{ p = $Properties; t = $At } -Confirm:$false
            }
            $now = [datetime]::UtcNow
            $script:RunId = '1_trace_' + $now.ToString('yyyyMMdd_HHmmss')
            Add-RunEvent 'not json at all' $now.AddMinutes(-5)
            Add-RunEvent '{"$ai_clusters": []}' $now.AddMinutes(-4)
            $clusters = '[{"cluster_id": 0, "size": 2, "title": "twice", "traces": {"a": {"rank": 0}, "b": {"rank": 1}}},' +
                        ' {"cluster_id": 0, "size": 1, "title": "twice again", "traces": {"c": {"rank": 0}}},' +
                        ' {"cluster_id": 1, "size": 3, "title": "array", "traces": [{"trace_id": "d"}]}]'
            $payload = '{"$ai_clustering_run_id": "' + $script:RunId + '", "$ai_window_start": "' + $now.ToString('o') + '", "$ai_window_end": "' + $now.AddDays(-1).ToString('o') + '", "$ai_clusters": ' + $clusters + '}'
            Add-RunEvent $payload $now.AddMinutes(-2)
            Add-RunEvent $payload $now.AddMinutes(-1)
        }
        AfterAll {
            Connect-LlmAnalytics -Path $script:DataPath
            Remove-Item $script:Damaged -Recurse -Force -ErrorAction SilentlyContinue
        }

        It 'leaves unreadable run events out of the run list, and says so' {
            $runs = @(Get-ClusterRun -WarningVariable warned -WarningAction SilentlyContinue)
            $runs.RunId | Should -Be @($script:RunId)
            $warned | Should -Match '2 run event\(s\) .* could not be read'
        }

        It 'names what is wrong with a run: <_>' -ForEach 'cluster id 0 appears 2 times', 'cluster 1 has size 3 but lists no item', 'its window starts', '2 events carry this run id' {
            Get-LlmCluster -RunId $script:RunId -NoMetrics -WarningVariable warned -WarningAction SilentlyContinue | Out-Null
            $warned | Should -Match $_
        }
    }

    It 'opens a read-only folder holding a store for reading' {
        $source = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-ro-source-" + [guid]::NewGuid().ToString('N'))
        $mount = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-ro-" + [guid]::NewGuid().ToString('N'))
        Connect-LlmAnalytics -Path $source
        New-LlmDemoData -TraceCount 30 -Seed 2 -Confirm:$false | Out-Null
        $expected = (Invoke-LlmQuery 'SELECT count() AS n FROM events').n
        Disconnect-LlmAnalytics
        New-Item -ItemType Directory -Path $mount | Out-Null
        & mount --bind $source $mount 2>$null
        $bound = $LASTEXITCODE -eq 0
        if ($bound) { & mount -o remount,ro,bind $mount 2>$null; $bound = $LASTEXITCODE -eq 0 }
        try {
            if (-not $bound) { Set-ItResult -Skipped -Because 'this machine does not let the test make a read-only mount'; return }
            { New-Item -ItemType File -Path (Join-Path $mount 'probe') -ErrorAction Stop } | Should -Throw

            Connect-LlmAnalytics -Path $mount
            (Get-LlmAnalyticsConnection).Location | Should -Be "$mount (read-only)"
            (Invoke-LlmQuery 'SELECT count() AS n FROM events').n | Should -Be $expected
            @(Get-ClusterRun -Since (Get-Date).AddDays(-30)).Count | Should -BeGreaterThan 0
            { Invoke-LlmQuery "INSERT INTO events (event) VALUES ('x')" -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'SourceReadOnly,LlmClusters.Commands.InvokeLlmQueryCommand'
            { New-LlmDemoData -TraceCount 5 -Force -Confirm:$false -ErrorAction Stop } | Should -Throw -ErrorId 'SourceReadOnly,LlmClusters.Commands.NewLlmDemoDataCommand'
        }
        finally {
            Connect-LlmAnalytics -Path $script:DataPath
            if ($bound) { & umount $mount 2>$null }
            Remove-Item $source, $mount -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
}
