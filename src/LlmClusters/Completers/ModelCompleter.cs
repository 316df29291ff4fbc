namespace LlmClusters.Completers;

/// <summary>Completes -Model with the models of the last 7 days.</summary>
public sealed class ModelCompleter() : NameUsedCompleter(providers: false);
