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
# Rendered wide: the demo's output often goes to a log, not a terminal.
Get-LlmAnalyticsConnection | Format-Table -AutoSize | Out-String -Width 160 | Out-Host
Get-ClusterRun | Format-Table -AutoSize | Out-String -Width 160 | Out-Host
Get-LlmCluster | Sort-Object Size -Descending | Format-Table -AutoSize | Out-String -Width 160 | Out-Host
