<#
.SYNOPSIS
    Runs every example of the module's help as a user pastes it, each on a fresh demo connection, and writes what
    each did to a JSON file. Started by Examples.Tests.ps1 in a process of its own (its own data folder and stand-ins).
.NOTES
    What a user would type or a host would show is stood in for: Get-Credential, Read-Host and Get-Secret answer with
    the loopback endpoint's credentials, and Invoke-Item opens nothing. Examples that connect to a ClickHouse server or
    to PostHog reach the loopback endpoint, which speaks both, with the host names and project id swapped for its own.
    Local clustering embeds at most 100 items per example (-MaxSamples), demo data is 500 traces (-TraceCount), and
    Install-LlmClustersComponent runs with -WhatIf (Install.Tests.ps1 fetches for real), to keep the suite short.
#>
param(
    [Parameter(Mandatory)] [string] $ResultPath,
    [Parameter(Mandatory)] [int] $Port,
    [Parameter(Mandatory)] [int] $PostHogPort,
    [Parameter(Mandatory)] [string] $ApiKey,
    [Parameter(Mandatory)] [string] $WorkFolder
)
Import-Module $env:LLMCLUSTERS_TEST_MODULE -Force
$PSStyle.OutputRendering = 'PlainText'

function Get-Credential { param([Parameter(ValueFromRemainingArguments)] $Rest) [pscredential]::new('default', [securestring]::new()) }
function Read-Host { param([Parameter(ValueFromRemainingArguments)] $Rest, [switch] $AsSecureString) ConvertTo-SecureString $ApiKey -AsPlainText -Force }
function Get-Secret { param([Parameter(ValueFromRemainingArguments)] $Rest) $ApiKey }
function Invoke-Item { param([Parameter(ValueFromPipeline)] $Path) process { } }

$postHog = "http://127.0.0.1:$PostHogPort"
$env:CLICKHOUSE_CONNECTION_STRING = "Host=127.0.0.1;Port=$Port"
$env:POSTHOG_PERSONAL_API_KEY = $ApiKey
# A connection that names no PostHog host would reach the real one: every connect reaches the endpoint's.
$PSDefaultParameterValues['Connect-LlmAnalytics:PostHogHost'] = $postHog
$PSDefaultParameterValues['Invoke-LlmClustering:MaxSamples'] = 100
$PSDefaultParameterValues['New-LlmDemoData:TraceCount'] = 500
$PSDefaultParameterValues['Install-LlmClustersComponent:WhatIf'] = $true

# Files the examples read: an S3 export to import, and an empty folder of synced parts.
Set-Location $WorkFolder
New-Item -ItemType Directory exports, s3-sync -Force | Out-Null
$fixture = Join-Path $PSScriptRoot '../LlmClusters.Tests/Fixtures/sdk-export.jsonl'
$gzip = [IO.Compression.GZipStream]::new([IO.File]::Create((Join-Path $WorkFolder 'exports/part-0.jsonl.gz')), [IO.Compression.CompressionLevel]::Fastest)
try { $gzip.Write([IO.File]::ReadAllBytes($fixture)) } finally { $gzip.Dispose() }

$results = foreach ($command in Get-Command -Module LlmClusters -CommandType Cmdlet | Sort-Object Name) {
    $number = 0
    foreach ($example in (Get-Help $command.Name -Examples).examples.example) {
        $number++
        $code = ($example.code -join "`n") `
            -replace 'clickhouse\.internal', "127.0.0.1 -Port $Port" `
            -replace ' -Database posthog', '' `
            -replace 'https://(eu\.posthog\.com|posthog\.example\.com)', $postHog `
            -replace '-ProjectId 12345', '-ProjectId 1' `
            -replace '-MaxSamples \d+', '-MaxSamples 100' `
            -replace '-TraceCount \d+', '-TraceCount 500'
        $clock = [Diagnostics.Stopwatch]::StartNew()
        $outcome = try {
            Connect-LlmAnalytics -Demo
            $global:Error.Clear()
            $output = & {
                $ErrorActionPreference = 'Stop'
                . ([scriptblock]::Create($code))
            } 3>$null | Out-String -Width 120
            @{ Passed = $true; Output = $output }
        }
        catch {
            @{ Passed = $false; Output = "$($_.FullyQualifiedErrorId): $($_.Exception.Message)" }
        }
        [pscustomobject]@{ Command = $command.Name; Number = $number; Code = $code; Passed = $outcome.Passed; Output = $outcome.Output; Seconds = [math]::Round($clock.Elapsed.TotalSeconds, 1) }
    }
}
$results | ConvertTo-Json -Depth 3 | Set-Content $ResultPath
