@{
    RootModule           = 'LlmClusters.dll'
    # Written by build.ps1 from <Version> in Directory.Build.props, the one place the version is kept.
    ModuleVersion        = '0.0.0'
    GUID                 = 'c4b33041-1d82-4d8c-b14c-6bec6ad5644f'
    Author               = 'LlmClusters'
    CompanyName          = 'LlmClusters'
    Copyright            = '(c) LlmClusters. MIT licence.'
    Description          = 'Ask your PostHog LLM traffic questions from the shell: clustering runs, clusters, their items, metrics and traces, as objects.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    FormatsToProcess     = @('LlmClusters.format.ps1xml')
    CmdletsToExport      = @(
        'Connect-LlmAnalytics'
        'Get-LlmAnalyticsConnection'
        'Disconnect-LlmAnalytics'
        'New-LlmDemoData'
        'Install-LlmClustersComponent'
        'Invoke-LlmQuery'
        'Get-ClusterRun'
        'Get-LlmCluster'
        'Get-ClusterItem'
        'Get-ClusteringJob'
        'ConvertFrom-ClusterRunId'
        'Measure-ClusterMetrics'
        'Invoke-LlmClustering'
        'Get-LlmTrace'
        'Format-LlmTrace'
        'Compare-ClusterRun'
        'Import-LlmEvent'
        'Export-LlmClusterReport'
    )
    FunctionsToExport    = @()
    VariablesToExport    = @()
    AliasesToExport      = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('PostHog', 'LLM', 'ClickHouse', 'Clustering', 'Observability', 'Linux')
            ProjectUri   = 'https://github.com/llmclusters/llmclusters'
            LicenseUri   = 'https://github.com/llmclusters/llmclusters/blob/main/LICENSE'
            # Written by build.ps1 Package from CHANGELOG.md.
            ReleaseNotes = ''
        }
    }
}
