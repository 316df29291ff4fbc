<#
.SYNOPSIS
    Times ways of handing a run's membership to the engine, on a bench folder (issue 29; docs/performance.md).
.DESCRIPTION
    Run after `dotnet bench/LlmClusters.Bench/bin/Release/net10.0/LlmClusters.Bench.dll --events 500000 --data <folder> --metrics-only`
    and `dotnet pwsh ./build.ps1 Build`. For the newest 1,500-item run and the manual run of the folder: the id
    filter as a bound array, as an IN subquery over it, as JSON text, and the membership in a Memory table of the
    session; medians of seven through Invoke-LlmQuery, planning alone (EXPLAIN) apart.
.EXAMPLE
    dotnet pwsh -NoProfile -File bench/experiments/membership-as-data.ps1 -Path /tmp/bench500k
#>
param([Parameter(Mandatory)] [string] $Path)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $PSScriptRoot '../../out/LlmClusters/LlmClusters.psd1')
Connect-LlmAnalytics -Path $Path | Out-Null

function Time($name, $sql, $parameters) {
    $all = foreach ($i in 1..7) { (Measure-Command { $null = Invoke-LlmQuery -Sql $sql -Parameter $parameters -Confirm:$false }).TotalSeconds }
    $sorted = $all | Sort-Object
    '{0,-60} median {1:0.000} s  fastest {2:0.000} s' -f $name, $sorted[3], $sorted[0]
}

$runs = Get-ClusterRun -Since '2026-03-01' -Until '2026-04-01' -Level trace
$scan = "SELECT ``mat_`$ai_trace_id`` AS item, sum(toFloat64OrNull(properties_group_ai['`$ai_total_cost_usd'])) AS cost FROM events " +
        "WHERE event IN ('`$ai_generation', '`$ai_embedding', '`$ai_span') AND timestamp >= {ws:DateTime64(6, 'UTC')} AND timestamp <= {we:DateTime64(6, 'UTC')} AND "
Invoke-LlmQuery 'CREATE DATABASE IF NOT EXISTS llmclusters_session ENGINE = Memory' -Confirm:$false | Out-Null
foreach ($run in @($runs | Where-Object TotalItemsAnalyzed -eq 1500)[0], @($runs | Where-Object RunId -like '*_manual')[0]) {
    $items = Get-ClusterItem -RunId $run.RunId
    $ids = [string[]]$items.ItemId
    $json = ConvertTo-Json -InputObject $ids -Compress
    $pairs = ConvertTo-Json -InputObject @($items | ForEach-Object { , @($_.ClusterId, $_.ItemId) }) -Compress
    $p = @{ ws = $run.WindowStart; we = $run.WindowEnd; ids = $ids; s = $json; m = $pairs }
    "$($run.RunId): $($ids.Count) items"
    if ($ids.Count -le 10000) { Time 'id filter: IN a bound array (as PostHog''s page sends it)' ($scan + '`mat_$ai_trace_id` IN {ids:Array(String)} GROUP BY item') $p }
    Time 'id filter: IN (SELECT arrayJoin(bound array))' ($scan + '`mat_$ai_trace_id` IN (SELECT arrayJoin({ids:Array(String)})) GROUP BY item') $p
    Time 'id filter: IN (SELECT arrayJoin(JSONExtract(bound text)))' ($scan + '`mat_$ai_trace_id` IN (SELECT arrayJoin(JSONExtract({s:String}, ''Array(String)''))) GROUP BY item') $p
    $members = "WITH members AS (SELECT tupleElement(p, 1) AS cluster_id, tupleElement(p, 2) AS item FROM (SELECT arrayJoin(JSONExtract({m:String}, 'Array(Tuple(Int64, String))')) AS p)) "
    $joined = 'SELECT m.cluster_id, count() FROM (' + $scan + '`mat_$ai_trace_id` IN (SELECT item FROM members) GROUP BY item) AS i INNER JOIN members AS m ON i.item = m.item GROUP BY m.cluster_id'
    Time 'members as bound JSON, filtered and joined' ($members + $joined) $p
    Time 'the same, planning alone (EXPLAIN)' ('EXPLAIN ' + $members + $joined) $p
    $table = 'llmclusters_session.members_' + [guid]::NewGuid().ToString('N')
    Invoke-LlmQuery "CREATE TABLE $table (cluster_id Int64, item String) ENGINE = Memory" -Confirm:$false | Out-Null
    $insert = Measure-Command { Invoke-LlmQuery "INSERT INTO $table SELECT tupleElement(p, 1), tupleElement(p, 2) FROM (SELECT arrayJoin(JSONExtract({m:String}, 'Array(Tuple(Int64, String))')) AS p)" @{ m = $pairs } -Confirm:$false | Out-Null }
    '{0,-60} {1:0.000} s (once)' -f 'members into a Memory table of the session', $insert.TotalSeconds
    Time 'members from that table, filtered and joined' ("WITH members AS (SELECT cluster_id, item FROM $table) " + $joined) $p
    Invoke-LlmQuery "DROP TABLE $table" -Confirm:$false | Out-Null
}
