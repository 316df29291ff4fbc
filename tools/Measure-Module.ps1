<#
.SYNOPSIS
    The benchmark (build.ps1 Bench): loads about -Events demo events into a fresh embedded folder and times the
    module's work on them. Prints a markdown table for docs/performance.md.
#>
param(
    [Parameter(Mandatory)] [string] $ModulePath,
    [int] $Events = 1000000
)
$ErrorActionPreference = 'Stop'
$PSStyle.OutputRendering = 'PlainText'
Import-Module $ModulePath -Force

# The demo traffic averages close to 4.3 events per trace.
$traceCount = [int][Math]::Ceiling($Events / 4.3)
$folder = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-bench-" + [guid]::NewGuid().ToString('N'))
$rows = [Collections.Generic.List[object]]::new()
function Measure-Step([string] $Name, [scriptblock] $Step) {
    $clock = [Diagnostics.Stopwatch]::StartNew()
    $result = & $Step
    $clock.Stop()
    $rows.Add([pscustomobject]@{ Step = $Name; Seconds = [Math]::Round($clock.Elapsed.TotalSeconds, 2) })
    $result
}

try {
    Measure-Step 'Open the engine and create the events table' { Connect-LlmAnalytics -Path $folder } | Out-Null
    $summary = Measure-Step "Generate and load $traceCount traces" {
        New-LlmDemoData -TraceCount $traceCount -Seed 1 -MaxSamples 100000 -End ([datetime]::new(2026, 3, 28, 0, 0, 0, [DateTimeKind]::Utc)) -Confirm:$false
    }
    Measure-Step 'Aggregate every generation: cost, tokens and errors per model' {
        Invoke-LlmQuery @'
SELECT JSONExtractString(properties, '$ai_model') AS model, count() AS generations,
       sum(toFloat64OrZero(trim(BOTH '"' FROM JSONExtractRaw(properties, '$ai_total_cost_usd')))) AS cost,
       sum(toInt64OrZero(trim(BOTH '"' FROM JSONExtractRaw(properties, '$ai_input_tokens')))) AS input_tokens,
       countIf(trim(BOTH '"' FROM JSONExtractRaw(properties, '$ai_is_error')) = 'true') AS errors
FROM events WHERE event = '$ai_generation'
GROUP BY model
'@
    } | Out-Null
    ''
    "Benchmark: $($summary.EventCount) events ($($summary.TraceCount) traces, $($summary.RunCount) runs), embedded engine, $(Get-Date -Format 'yyyy-MM-dd')"
    'Command: dotnet pwsh ./build.ps1 Bench' + $(if ($Events -ne 1000000) { " -BenchEvents $Events" } else { '' })
    ''
    '| step | seconds |'
    '|---|---:|'
    foreach ($row in $rows) { "| $($row.Step) | $($row.Seconds) |" }
}
finally {
    Disconnect-LlmAnalytics
    Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue
}
