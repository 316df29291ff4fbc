namespace LlmClusters.Core.Demo;

/// <summary>A model a kind of traffic calls, with what it costs per 1,000 tokens.</summary>
public sealed record DemoModel(string Provider, string Name, double InputCostPer1K, double OutputCostPer1K, double Weight);
