using LlmClusters.Core.Model;

namespace LlmClusters.Core.Components;

/// <summary>A part could not be fetched or did not match its pinned SHA-512; the message says how to place it by hand.</summary>
public sealed class ComponentUnavailableException(ModuleComponent component, string message, Exception? inner = null) : LlmClustersException(FailureKind.ComponentUnavailable, message, inner)
{
    public ModuleComponent Component { get; } = component;
    public override object? Target => Component.Name;
}
