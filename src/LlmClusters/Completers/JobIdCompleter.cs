namespace LlmClusters.Completers;

/// <summary>Completes -JobId (and Get-ClusteringJob -Id) with the ids of recent jobs, their names as tooltips.</summary>
public sealed class JobIdCompleter() : JobCompleter(ids: true);
