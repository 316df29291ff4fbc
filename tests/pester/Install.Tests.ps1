# The module as a user installs it (build.ps1 Test packages it first): the package from a local PSResource repository
# into an empty module path, in a fresh pwsh whose per-user folders are temporary, the engine fetched from the npm
# registry into a temporary data folder, the demo read, and the module uninstalled.
BeforeAll {
    $script:UserHome = Join-Path ([IO.Path]::GetTempPath()) ("llmclusters-install-" + [guid]::NewGuid().ToString('N'))
    New-Item -ItemType Directory $script:UserHome | Out-Null
}

AfterAll {
    Remove-Item $script:UserHome -Recurse -Force -ErrorAction SilentlyContinue
}

Describe 'The package' {
    It 'is at most 25 MB and carries no part that is fetched on first use' {
        $package = Get-Item $env:LLMCLUSTERS_TEST_PACKAGE
        $package.Length | Should -BeLessOrEqual 25MB
        $zip = [IO.Compression.ZipFile]::OpenRead($package.FullName)
        try { $names = $zip.Entries.FullName } finally { $zip.Dispose() }
        $names | Should -Contain 'LlmClusters.psd1'
        $names | Should -Contain 'LlmClusters.dll'
        $names | Where-Object { $_ -match 'libchdb|SentenceTransformers\.MiniLM\.dll|libonnxruntime\.so$' } | Should -BeNullOrEmpty
    }

    It 'installs with Install-PSResource into an empty module path, imports by name, fetches its parts, reads and clusters the demo, and uninstalls' {
        $repository = Split-Path $env:LLMCLUSTERS_TEST_PACKAGE
        $script = @"
`$ErrorActionPreference = 'Stop'
`$ProgressPreference = 'SilentlyContinue'
'BEFORE ' + @(Get-Module LlmClusters -ListAvailable).Count
Register-PSResourceRepository -Name LlmClustersLocal -Uri '$repository' -Trusted
Install-PSResource LlmClusters -Repository LlmClustersLocal -Scope CurrentUser -TrustRepository
'INSTALLED ' + (Get-Module LlmClusters -ListAvailable).ModuleBase
Import-Module LlmClusters
`$engine = Install-LlmClustersComponent -Name Engine
'ENGINE ' + `$engine.Downloaded + ' ' + `$engine.Path
Connect-LlmAnalytics -Demo
'CLUSTERS ' + @(Get-LlmCluster).Count
`$run = Invoke-LlmClustering -K 2 -MaxSamples 40 -PassThru
'LOCAL ' + `$run.ClusterCount + ' ' + @(Get-ChildItem (Join-Path (Split-Path (Split-Path `$engine.Path)) '..') -Recurse -File).Name -join ','
Disconnect-LlmAnalytics
Remove-Module LlmClusters
Uninstall-PSResource LlmClusters -Scope CurrentUser
'AFTER ' + @(Get-Module LlmClusters -ListAvailable).Count
"@
        $info = [Diagnostics.ProcessStartInfo]::new('dotnet')
        foreach ($argument in (Join-Path $PSHOME 'pwsh.dll'), '-NoProfile', '-NonInteractive', '-Command', $script) { $info.ArgumentList.Add($argument) }
        $info.UseShellExecute = $false
        $info.RedirectStandardOutput = $true
        $info.RedirectStandardError = $true
        # A user's machine: per-user folders of its own, no module path or engine pointed at this repository.
        # (HOME alone: PSResourceGet installs under ~/.local/share whatever XDG_DATA_HOME says, where pwsh would not look.)
        $info.Environment['HOME'] = $script:UserHome
        foreach ($name in 'XDG_DATA_HOME', 'PSModulePath', 'LLMCLUSTERS_CHDB_LIBRARY', 'LLMCLUSTERS_TEST_MODULE') { $info.Environment.Remove($name) | Out-Null }
        $process = [Diagnostics.Process]::Start($info)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit(600000)) { $process.Kill($true) }
        $output = $stdout.Result + $stderr.Result

        $output | Should -Match 'BEFORE 0'
        $output | Should -Match "INSTALLED $([regex]::Escape($script:UserHome))"
        $output | Should -Match "ENGINE True $([regex]::Escape($script:UserHome))/\.local/share/LlmClusters/components/engine/"
        $output | Should -Match 'CLUSTERS [1-9]'
        # The first local clustering fetched the model and ONNX Runtime from NuGet, and ran on them.
        $output | Should -Match 'LOCAL 2 .*SentenceTransformers\.MiniLM\.dll'
        $output | Should -Match 'LOCAL 2 .*libonnxruntime\.so'
        $output | Should -Match 'AFTER 0'
    }
}
