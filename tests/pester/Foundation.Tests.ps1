BeforeAll {
    Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
    $script:DataPath = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-pester-" + [guid]::NewGuid().ToString('N'))
    Connect-LlmAnalytics -Path $script:DataPath
    $script:Loaded = New-LlmDemoData -TraceCount 400 -Seed 5 -End ([datetime]::new(2026, 3, 28, 0, 0, 0, [DateTimeKind]::Utc)) -Confirm:$false

    # Runs a command in a new pwsh process and returns what it wrote as JSON.
    function Invoke-InNewProcess([string] $Script, [hashtable] $Environment = @{}) {
        $saved = @{}
        foreach ($name in $Environment.Keys) { $saved[$name] = [Environment]::GetEnvironmentVariable($name); [Environment]::SetEnvironmentVariable($name, $Environment[$name]) }
        try {
            $output = & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive -Command $Script 2>&1
        }
        finally {
            foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
        }
        $output | Out-String
    }
}

AfterAll {
    Disconnect-LlmAnalytics
    Remove-Item $script:DataPath -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The module as a user imports it' {
    It 'exports exactly its cmdlets' {
        (Get-Command -Module LlmClusters).Name | Sort-Object | Should -Be @(
            'Compare-ClusterRun', 'Connect-LlmAnalytics', 'ConvertFrom-ClusterRunId', 'Disconnect-LlmAnalytics', 'Export-LlmClusterReport', 'Format-LlmTrace', 'Get-ClusteringJob', 'Get-ClusterItem',
            'Get-ClusterRun', 'Get-LlmAnalyticsConnection', 'Get-LlmCluster', 'Get-LlmTrace', 'Import-LlmEvent', 'Install-LlmClustersComponent', 'Invoke-LlmClustering', 'Invoke-LlmQuery', 'Measure-ClusterMetrics', 'New-LlmDemoData')
    }

    It '<_> has help with a synopsis, a description, examples and every parameter described' -ForEach @(
        'Compare-ClusterRun', 'Connect-LlmAnalytics', 'ConvertFrom-ClusterRunId', 'Disconnect-LlmAnalytics', 'Export-LlmClusterReport', 'Format-LlmTrace', 'Get-ClusteringJob', 'Get-ClusterItem',
        'Get-ClusterRun', 'Get-LlmAnalyticsConnection', 'Get-LlmCluster', 'Get-LlmTrace', 'Import-LlmEvent', 'Install-LlmClustersComponent', 'Invoke-LlmClustering', 'Invoke-LlmQuery', 'Measure-ClusterMetrics', 'New-LlmDemoData') {
        $help = Get-Help $_ -Full
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*(Connect|Get|New|Invoke|Disconnect|ConvertFrom|Measure|Format|Compare|Import|Export|Install)-'
        $help.description.Text | Should -Not -BeNullOrEmpty
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $help.examples.example[0].code | Should -Not -BeNullOrEmpty
        $common = [System.Management.Automation.Internal.CommonParameters].GetProperties().Name + 'WhatIf', 'Confirm'
        foreach ($name in (Get-Command $_).Parameters.Keys | Where-Object { $_ -notin $common }) {
            $parameter = $help.parameters.parameter | Where-Object name -eq $name
            $parameter.description.Text | Should -Not -BeNullOrEmpty -Because "-$name needs a description"
        }
    }

    It 'has an about topic' {
        Get-Help about_LlmClusters | Out-String | Should -Match 'Connect-LlmAnalytics'
    }

    It 'has one version, the manifest''s and every assembly''s, and ships its licence' {
        $module = Get-Module LlmClusters
        $module.Version | Should -Not -Be ([version]'0.0.0')
        $assemblies = @(Get-ChildItem $module.ModuleBase -Recurse -Filter 'LlmClusters*.dll')
        $assemblies.Count | Should -BeGreaterThan 3
        foreach ($assembly in $assemblies) {
            [Reflection.AssemblyName]::GetAssemblyName($assembly.FullName).Version.ToString(3) | Should -Be $module.Version.ToString(3) -Because $assembly.Name
        }
        Join-Path $module.ModuleBase 'LICENSE' | Should -Exist
    }
}

Describe 'Connect-LlmAnalytics' {
    It 'makes the connection current and shows where it points' {
        $connection = Get-LlmAnalyticsConnection
        $connection.Source | Should -Be 'Embedded'
        $connection.Location | Should -Be $script:DataPath
        $connection.Table | Should -Be 'events'
        $connection.PostHogHost | Should -Be 'https://us.posthog.com/'
    }

    It 'refuses a file as the data folder with one clear error' {
        $file = New-TemporaryFile
        try {
            { Connect-LlmAnalytics -Path $file.FullName } | Should -Throw -ErrorId 'InvalidDataPath,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
            $error[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
            $error[0].ErrorDetails.Message | Should -Match 'is a file'
            (Get-LlmAnalyticsConnection).Location | Should -Be $script:DataPath
        }
        finally { Remove-Item $file }
    }

    It 'refuses a folder it cannot write' {
        { Connect-LlmAnalytics -Path '/proc/llmclusters-no' } | Should -Throw -ErrorId 'InvalidDataPath,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
    }

    It 'refuses a table name that is not an identifier' {
        { Connect-LlmAnalytics -Path $script:DataPath -Table 'events; DROP TABLE x' } | Should -Throw -ErrorId 'InvalidTableName,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
    }

    It 'names the file to place by hand and the other sources when the engine is missing and cannot be fetched' {
        $bare = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-bare-" + [guid]::NewGuid().ToString('N'))
        $moduleDir = Split-Path $env:LLMCLUSTERS_TEST_MODULE
        New-Item -ItemType Directory $bare | Out-Null
        Get-ChildItem $moduleDir -File | Copy-Item -Destination $bare
        Copy-Item (Join-Path $moduleDir 'en-US') $bare -Recurse
        $script = "`$PSStyle.OutputRendering = 'PlainText'; Import-Module '$bare/LlmClusters.psd1'; try { Connect-LlmAnalytics -Path '$bare/data' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.CategoryInfo.Category; `$_.ErrorDetails.Message }"
        # A machine without the engine whose registry cannot be reached: its own per-user folder, a closed port.
        $text = Invoke-InNewProcess $script @{ LLMCLUSTERS_CHDB_LIBRARY = $null; XDG_DATA_HOME = "$bare/user"; LLMCLUSTERS_NPM_REGISTRY = 'http://127.0.0.1:9/' }
        Remove-Item $bare -Recurse -Force
        $text | Should -Match 'place package/libchdb\.so from it at .*/user/LlmClusters/components/engine/26\.5\.3/libchdb\.so'
        $text | Should -Match 'EngineUnavailable,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
        $text | Should -Match 'ResourceUnavailable'
        $text | Should -Match 'Connect-LlmAnalytics -Server'
        $text | Should -Match 'Connect-LlmAnalytics -ProjectId'
        $text | Should -Not -Match '   at '
    }
}

Describe 'New-LlmDemoData' {
    It 'reports what it wrote' {
        $script:Loaded.TraceCount | Should -Be 400
        $script:Loaded.RunCount | Should -BeGreaterOrEqual 3
        (Invoke-LlmQuery 'SELECT count() AS n FROM events').n | Should -Be $script:Loaded.EventCount
    }

    It 'does not add to a table that holds events unless forced' {
        $before = (Invoke-LlmQuery 'SELECT count() AS n FROM events').n
        New-LlmDemoData -TraceCount 10 -ErrorVariable refused -ErrorAction SilentlyContinue -Confirm:$false | Should -BeNullOrEmpty
        $refused[0].FullyQualifiedErrorId | Should -Be 'TableNotEmpty,LlmClusters.Commands.NewLlmDemoDataCommand'
        New-LlmDemoData -TraceCount 10 -Force -WhatIf | Should -BeNullOrEmpty
        (Invoke-LlmQuery 'SELECT count() AS n FROM events').n | Should -Be $before
    }

    It 'writes trace-level, generation-level and legacy runs' {
        $runs = Invoke-LlmQuery "SELECT event, JSONExtractString(properties, '`$ai_clustering_run_id') AS run_id, JSONHas(properties, '`$ai_clustering_level') AS has_level FROM events WHERE event LIKE '`$ai_%_clusters'"
        $runs.event | Should -Contain '$ai_trace_clusters'
        $runs.event | Should -Contain '$ai_generation_clusters'
        @($runs | Where-Object { $_.has_level -eq 0 -and $_.run_id -match '^\d+_\d{8}_\d{6}$' }).Count | Should -Be 1
    }
}

Describe 'Invoke-LlmQuery' {
    It 'writes rows as objects with typed properties' {
        $row = Invoke-LlmQuery "SELECT count() AS events, max(timestamp) AS newest, 'x' AS s, [1, 2] AS a FROM events"
        $row.events | Should -BeOfType [uint64]
        $row.newest | Should -BeOfType [datetime]
        $row.newest.Kind | Should -Be 'Utc'
        $row.a | Should -Be @(1, 2)
    }

    It 'binds values so that quotes and backslashes come back unchanged' {
        $tricky = "O'Hara \\ `"quoted`" '; DROP TABLE events; --"
        (Invoke-LlmQuery 'SELECT {v:String} AS v' -Parameter @{ v = $tricky }).v | Should -BeExactly $tricky
        (Invoke-LlmQuery 'SELECT count() AS n FROM events').n | Should -BeGreaterThan 0
    }

    It 'binds arrays, dates and numbers from PowerShell values' {
        $row = Invoke-LlmQuery 'SELECT has({names:Array(String)}, {one:String}) AS found, {n:Int64} + 1 AS next, toDate({d:DateTime}) AS day' -Parameter @{
            names = @('$ai_trace', '$ai_span'); one = '$ai_span'; n = 41; d = [datetime]::new(2026, 3, 28, 23, 0, 0, [DateTimeKind]::Utc) }
        $row.found | Should -Be 1
        $row.next | Should -Be 42
        $row.day | Should -Be ([datetime]'2026-03-28')
    }

    It 'takes SQL from the pipeline' {
        ('SELECT 1 AS one', 'SELECT 2 AS one' | Invoke-LlmQuery).one | Should -Be @(1, 2)
    }

    It 'reports a syntax error as one error record with its ClickHouse code' {
        { Invoke-LlmQuery 'SELEC 1' } | Should -Throw -ErrorId 'SqlSyntaxError,LlmClusters.Commands.InvokeLlmQueryCommand'
        $error[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $error[0].Exception.Code | Should -Be 62
        $error[0].ErrorDetails.Message | Should -Match 'Correct the statement'
    }

    It 'reports an unknown table as TableNotFound' {
        { Invoke-LlmQuery 'SELECT * FROM no_such_events' } | Should -Throw -ErrorId 'TableNotFound,LlmClusters.Commands.InvokeLlmQueryCommand'
    }

    It 'shows the SQL and its duration under -Verbose' {
        $verbose = Invoke-LlmQuery 'SELECT {v:String} AS v' -Parameter @{ v = 'hello' } -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        ($verbose.Message -join "`n") | Should -Match 'SELECT \{v:String\} AS v'
        ($verbose.Message -join "`n") | Should -Match 'row\(s\) in \d+ ms'
    }
}

Describe 'Disconnect-LlmAnalytics' {
    It 'forgets the connection' {
        Disconnect-LlmAnalytics
        Get-LlmAnalyticsConnection -ErrorVariable missing -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $missing[0].FullyQualifiedErrorId | Should -Be 'NotConnected,LlmClusters.Commands.GetLlmAnalyticsConnectionCommand'
        Connect-LlmAnalytics -Path $script:DataPath
        (Get-LlmAnalyticsConnection).Location | Should -Be $script:DataPath
    }
}

Describe 'Import-LlmEvent' {
    It 'imports a batch export once and names a malformed file' {
        $folder = Join-Path $TestDrive 'exports'
        New-Item -ItemType Directory $folder | Out-Null
        $good = Join-Path $folder 'good.jsonl'
        @(
            '{"uuid":"20000000-0000-4000-8000-000000000001","event":"$ai_generation","properties":{"$ai_trace_id":"t1","$ai_model":"gpt-4o"},"timestamp":"2026-03-01T10:00:00Z","team_id":1,"distinct_id":"a"}'
            '{"uuid":"20000000-0000-4000-8000-000000000002","event":"$ai_trace","properties":"{\"$ai_trace_id\":\"t1\"}","timestamp":"2026-03-01T10:00:01Z","team_id":1,"distinct_id":"a"}'
        ) | Set-Content $good
        Set-Content (Join-Path $folder 'bad.jsonl') '{"uuid":"oops","event":"$ai_span","properties":"{}","timestamp":"2026-03-01T10:00:00Z","team_id":1,"distinct_id":"a"}'
        $before = (Invoke-LlmQuery 'SELECT count() AS n FROM events').n

        $results = Import-LlmEvent (Join-Path $folder '*.jsonl') -ErrorVariable failed -ErrorAction SilentlyContinue -Confirm:$false
        $results.EventsAdded | Should -Be 2
        $failed[0].FullyQualifiedErrorId | Should -Be 'ImportFailed,LlmClusters.Commands.ImportLlmEventCommand'
        $failed[0].ErrorDetails.Message | Should -Match 'bad\.jsonl'
        (Import-LlmEvent $good -Confirm:$false).EventsAdded | Should -Be 0
        (Invoke-LlmQuery 'SELECT count() AS n FROM events').n | Should -Be ($before + 2)
    }
}

Describe 'Install-LlmClustersComponent' {
    It 'finds a part already in place without fetching it, and says what -WhatIf would fetch' {
        # The build fetched the engine with this same cmdlet into .engine/<name>/<version>/.
        $root = Split-Path (Split-Path (Split-Path $env:LLMCLUSTERS_TEST_ENGINE))
        $found = Install-LlmClustersComponent -Name Engine -Path $root
        $found.Downloaded | Should -BeFalse
        $found.Path | Should -Be $env:LLMCLUSTERS_TEST_ENGINE
        $found.Size | Should -Be (Get-Item $env:LLMCLUSTERS_TEST_ENGINE).Length

        $empty = Join-Path $TestDrive 'components'
        $whatIf = Invoke-InNewProcess "Import-Module '$env:LLMCLUSTERS_TEST_MODULE'; Install-LlmClustersComponent -Path '$empty' -WhatIf"
        $whatIf | Should -Match 'Fetch @chdb/lib-linux-x64-gnu@26\.5\.3 from https://registry\.npmjs\.org/'
        $whatIf | Should -Match 'Fetch SentenceTransformers\.MiniLM@24\.9\.52193 from https://api\.nuget\.org/v3/index\.json'
        Test-Path $empty | Should -BeFalse
    }

    It 'says which file to place by hand when the registry cannot be reached' {
        $output = Invoke-InNewProcess "Import-Module '$env:LLMCLUSTERS_TEST_MODULE'; try { Install-LlmClustersComponent -Path '$TestDrive/offline' -ErrorAction Stop } catch { `$_.FullyQualifiedErrorId; `$_.Exception.Message }" @{
            LLMCLUSTERS_NPM_REGISTRY = 'http://127.0.0.1:9/' }
        $output | Should -Match 'ComponentUnavailable,LlmClusters.Commands.InstallLlmClustersComponentCommand'
        $output | Should -Match 'place package/libchdb\.so from it at .*offline/engine/26\.5\.3/libchdb\.so'
    }
}

Describe 'Where no engine is published' {
    It 'imports, has help, and opening a data folder says in one line which platforms have the engine and which sources remain' {
        $output = Invoke-InNewProcess "Import-Module '$env:LLMCLUSTERS_TEST_MODULE'; (Get-Help Connect-LlmAnalytics).Synopsis; try { Install-LlmClustersComponent -Name Engine -ErrorAction Stop } catch { 'REFUSED ' + `$_.Exception.Message }; try { Connect-LlmAnalytics -Path '$TestDrive/elsewhere' -ErrorAction Stop } catch { 'ERROR ' + `$_.FullyQualifiedErrorId; 'MESSAGE ' + `$_.Exception.Message }" @{
            LLMCLUSTERS_PLATFORM = 'osx-arm64'; LLMCLUSTERS_CHDB_LIBRARY = $null }
        $output | Should -Match 'Chooses where LlmClusters runs its queries'
        $output | Should -Match 'REFUSED Engine \(@chdb/lib-linux-x64-gnu@26\.5\.3\) is published for linux-x64 only, not for osx-arm64'
        $output | Should -Match 'ERROR EngineUnavailable,LlmClusters.Commands.ConnectLlmAnalyticsCommand'
        $message = ($output -split "`n" | Where-Object { $_ -like 'MESSAGE *' })
        @($message).Count | Should -Be 1
        $message | Should -Match 'published for Linux x64 only, not for osx-arm64.*-Server.*-ProjectId'
    }

    It 'reads a ClickHouse server and PostHog''s API there as anywhere' {
        . (Join-Path $PSScriptRoot 'TestSource.ps1')
        $endpoint = Start-Endpoint -TraceCount 200 -Seed 6
        try {
            $output = Invoke-InNewProcess "Import-Module '$env:LLMCLUSTERS_TEST_MODULE'; `$ErrorActionPreference = 'Stop'; Connect-LlmAnalytics -Server 127.0.0.1 -Port $($endpoint.Port) -TeamId 1; 'CLICKHOUSE ' + @(Get-LlmCluster).Count; Connect-LlmAnalytics -ProjectId 1 -PostHogHost 'http://127.0.0.1:$($endpoint.PostHogPort)' -ApiKey (ConvertTo-SecureString '$script:EndpointApiKey' -AsPlainText -Force); 'POSTHOG ' + @(Get-ClusterRun).Count" @{
                LLMCLUSTERS_PLATFORM = 'osx-arm64'; LLMCLUSTERS_CHDB_LIBRARY = $null }
        }
        finally { Stop-Endpoint $endpoint }
        $output | Should -Match 'CLICKHOUSE [1-9]'
        $output | Should -Match 'POSTHOG [1-9]'
    }
}
