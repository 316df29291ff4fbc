<#
.SYNOPSIS
    The README's first command: imports the built module, connects to the demo data (loading it the first time)
    and prints the clusters of the newest clustering run.
#>
param([Parameter(Mandatory)] [string] $ModulePath)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'

Import-Module $ModulePath -Force
Connect-LlmAnalytics -Demo
Get-LlmAnalyticsConnection | Format-Table -AutoSize | Out-Host

$newest = Invoke-LlmQuery @'
SELECT JSONExtractString(properties, '$ai_clustering_run_id') AS RunId,
       JSONExtractRaw(properties, '$ai_clusters') AS Clusters
FROM events
WHERE event IN ('$ai_trace_clusters', '$ai_generation_clusters', '$ai_evaluation_clusters')
  AND timestamp >= now() - INTERVAL 7 DAY
ORDER BY timestamp DESC
LIMIT 1
'@
"Clusters of the newest run, $($newest.RunId):"
$newest.Clusters | ConvertFrom-Json | ForEach-Object {
    [pscustomobject]@{
        ClusterId = $_.cluster_id
        Size      = $_.size
        Title     = $_.title
        ErrorRate = if ($_.metrics) { '{0:P1}' -f $_.metrics.error_rate } else { '' }
        AvgCost   = if ($_.metrics -and $null -ne $_.metrics.avg_cost) { '{0:N5}' -f $_.metrics.avg_cost } else { '' }
    }
} | Format-Table -AutoSize | Out-Host
