namespace LlmClusters.Completers;

/// <summary>Completes -Provider with the providers of the last 7 days.</summary>
public sealed class ProviderCompleter() : NameUsedCompleter(providers: true);
