namespace LlmClusters.Core.Components;

/// <summary>The registries the module's heavy parts come from.</summary>
public enum ComponentRegistry
{
    Npm,
    NuGet,
}
