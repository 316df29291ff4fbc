using System.Reflection;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;

namespace LlmClusters.Core.Metrics;

/// <summary>
/// Puts the figures of <see cref="ClusterFigures"/> on the objects users get, by property name, so that a figure is
/// defined once (its SQL, its column, its property) instead of copied by hand at every step. Set on objects just made
/// (a new ClusterMetrics, a clone made by <c>with</c>), never on one already handed out.
/// </summary>
internal static class ClusterFigureSetter
{
    private static readonly PropertyInfo[] OnMetrics = [.. ClusterFigures.All.Select(f => Property(typeof(ClusterMetrics), f.Property))];
    private static readonly PropertyInfo[] OnCluster = [.. ClusterFigures.All.Where(f => f.OnCluster).Select(f => Property(typeof(LlmCluster), f.Property))];

    public static ClusterMetrics Fill(ClusterMetrics metrics, IReadOnlyDictionary<string, object?> figures) => Fill(metrics, OnMetrics, figures);

    /// <summary>The figures Get-LlmCluster shows, from a cluster's metrics onto the cluster.</summary>
    public static LlmCluster Copy(ClusterMetrics metrics, LlmCluster cluster)
    {
        foreach (var property in OnCluster) property.SetValue(cluster, typeof(ClusterMetrics).GetProperty(property.Name)!.GetValue(metrics));
        return cluster;
    }

    private static T Fill<T>(T target, PropertyInfo[] properties, IReadOnlyDictionary<string, object?> figures)
    {
        foreach (var property in properties) property.SetValue(target, figures[property.Name]);
        return target;
    }

    private static PropertyInfo Property(Type type, string name) =>
        type.GetProperty(name) ?? throw new InvalidOperationException($"{type.Name} has no property {name}, which ClusterFigures names.");
}
