# Dot-sourced by the Pester files: starts the loopback endpoint process and connects the session to one of the three
# sources over the same demo data.

$script:EndpointApiKey = 'phx_pester_' + [guid]::NewGuid().ToString('N')

# A loopback process that speaks ClickHouse's HTTP protocol and PostHog's API over its own embedded engine, with demo data in it.
function Start-Endpoint([string] $Password, [int] $TraceCount = 500, [int] $Seed = 21) {
    $folder = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-endpoint-" + [guid]::NewGuid().ToString('N'))
    $info = [Diagnostics.ProcessStartInfo]::new('dotnet')
    $arguments = @($env:LLMCLUSTERS_TEST_ENDPOINT, '--data', $folder, '--demo-traces', $TraceCount, '--demo-seed', $Seed, '--api-key', $script:EndpointApiKey)
    if ($Password) { $arguments += '--password', $Password }
    foreach ($argument in $arguments) { $info.ArgumentList.Add([string]$argument) }
    $info.RedirectStandardInput = $true
    $info.RedirectStandardOutput = $true
    $info.UseShellExecute = $false
    $info.Environment['LLMCLUSTERS_CHDB_LIBRARY'] = $env:LLMCLUSTERS_TEST_ENGINE
    $process = [Diagnostics.Process]::Start($info)
    $ports = foreach ($name in 'PORT', 'POSTHOG') {
        $read = $process.StandardOutput.ReadLineAsync()
        if (-not $read.Wait(120000)) { $process.Kill(); throw 'The endpoint did not start within two minutes.' }
        if ($read.Result -notmatch "^$name (\d+)$") { $process.Kill(); throw "The endpoint did not start: $($read.Result)" }
        [int]$Matches[1]
    }
    [pscustomobject]@{ Process = $process; Port = $ports[0]; PostHogPort = $ports[1]; Folder = $folder }
}

function Stop-Endpoint($Endpoint) {
    if (-not $Endpoint) { return }
    $Endpoint.Process.StandardInput.Close()
    if (-not $Endpoint.Process.WaitForExit(20000)) { $Endpoint.Process.Kill() }
    Remove-Item $Endpoint.Folder -Recurse -Force -ErrorAction SilentlyContinue
}

<#
    Connects the session to demo data of this size and seed on the named source, and returns what the tests need:
    Writer, a connection that can write to the same data (PostHog's API only reads: writes go to its ClickHouse, as a
    real PostHog's do); UiHost, where UiUrl links point; and what Remove-TestSource cleans up.
#>
function Connect-TestSource([ValidateSet('Embedded', 'ClickHouse', 'PostHog')] [string] $Source, [int] $TraceCount, [int] $Seed) {
    if ($Source -eq 'Embedded') {
        $folder = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-pester-" + [guid]::NewGuid().ToString('N'))
        $connection = Connect-LlmAnalytics -Path $folder -PassThru
        New-LlmDemoData -TraceCount $TraceCount -Seed $Seed -Confirm:$false | Out-Null
        return [pscustomobject]@{ Writer = $connection; UiHost = 'https://us.posthog.com'; Folder = $folder; Endpoint = $null }
    }
    $endpoint = Start-Endpoint -TraceCount $TraceCount -Seed $Seed
    $writer = Connect-LlmAnalytics -Server 127.0.0.1 -Port $endpoint.Port -TeamId 1 -PassThru
    $uiHost = 'https://us.posthog.com'
    if ($Source -eq 'PostHog') {
        $uiHost = "http://127.0.0.1:$($endpoint.PostHogPort)"
        Connect-LlmAnalytics -ProjectId 1 -PostHogHost $uiHost -ApiKey (ConvertTo-SecureString $script:EndpointApiKey -AsPlainText -Force)
    }
    [pscustomobject]@{ Writer = $writer; UiHost = $uiHost; Folder = $null; Endpoint = $endpoint }
}

function Remove-TestSource($TestSource) {
    Disconnect-LlmAnalytics
    if ($TestSource.Folder) { Remove-Item $TestSource.Folder -Recurse -Force -ErrorAction SilentlyContinue }
    Stop-Endpoint $TestSource.Endpoint
}
