namespace LlmClusters.Completers;

/// <summary>Completes -JobName (and Get-ClusteringJob -Name) with the names of recent jobs.</summary>
public sealed class JobNameCompleter() : JobCompleter(ids: false);
