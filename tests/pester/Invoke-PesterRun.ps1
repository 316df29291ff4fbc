<#
.SYNOPSIS
    Runs the Pester suite against the built module in a fresh process, and writes the counts for build.ps1.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $ModulePath,
    [Parameter(Mandatory)] [string] $SummaryPath
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $PesterPath -Force
$env:LLMCLUSTERS_TEST_MODULE = $ModulePath

$configuration = New-PesterConfiguration
# The cluster, metrics and trace suites run once per source over the same demo data; the rest once.
$perSource = 'Clusters.Tests.ps1', 'Metrics.Tests.ps1', 'Traces.Tests.ps1'
$containers = foreach ($file in Get-ChildItem $PSScriptRoot -Filter '*.Tests.ps1') {
    if ($file.Name -in $perSource) {
        foreach ($source in 'Embedded', 'ClickHouse', 'PostHog') { New-PesterContainer -Path $file.FullName -Data @{ Source = $source } }
    }
    else { New-PesterContainer -Path $file.FullName }
}
$configuration.Run.Container = $containers
$configuration.Run.PassThru = $true
$configuration.Output.Verbosity = 'Normal'
$result = Invoke-Pester -Configuration $configuration

@{
    Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
    Skipped = $result.SkippedCount; SkippedNames = @($result.Skipped | ForEach-Object { $_.ExpandedPath })
} |
    ConvertTo-Json | Set-Content -Path $SummaryPath
exit ([int]($result.Result -ne 'Passed'))
