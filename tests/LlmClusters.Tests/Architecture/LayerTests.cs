using ArchUnitNET.Loader;
using ArchUnitNET.xUnit;
using static ArchUnitNET.Fluent.ArchRuleDefinition;
using static ArchUnitNET.Fluent.Slices.SliceRuleDefinition;

namespace LlmClusters.Tests.Architecture;

/// <summary>
/// The layers of docs/architecture.md, read from the compiled assemblies (every reference, method bodies included):
/// each layer may use the ones below it and never one above, and no namespaces anywhere form a cycle.
/// </summary>
[Collection(Alone)]
public sealed class LayerTests(LayerTests.CompiledModule compiled) : IClassFixture<LayerTests.CompiledModule>
{
    /// <summary>
    /// The read of the assemblies holds about 100 MB while these tests run, which a test that measures the live heap
    /// would count: so they run alone (after the others), and the read is let go when they are done.
    /// </summary>
    public const string Alone = "Architecture, alone";

    /// <summary>The module's assemblies, read once for this class.</summary>
    public sealed class CompiledModule
    {
        public ArchUnitNET.Domain.Architecture Module { get; } = new ArchLoader().LoadAssemblies(
            typeof(Core.Model.ClusterRun).Assembly,
            typeof(Commands.GetLlmClusterCommand).Assembly,
            typeof(ClickHouse.ClickHouseServerSource).Assembly,
            typeof(PostHog.PostHogApiSource).Assembly,
            typeof(Embeddings.MiniLMEmbedder).Assembly).Build();
    }

    private ArchUnitNET.Domain.Architecture Module => compiled.Module;

    /// <summary>The layers, lowest first, each by the namespaces it holds.</summary>
    public static readonly (string Name, string[] Namespaces)[] Layers =
    [
        ("values", ["LlmClusters.Core.Model", "LlmClusters.Core.Formatting"]),
        ("queries", ["LlmClusters.Core.Queries", "LlmClusters.Core.Queries.Rows"]),
        ("engine parts", ["LlmClusters.Core.Components", "LlmClusters.Core.Native"]),
        ("sources", ["LlmClusters.Core.Sources", "LlmClusters.ClickHouse", "LlmClusters.PostHog"]),
        ("sessions", ["LlmClusters.Core.Sessions"]),
        ("services", ["LlmClusters.Core.Clusters", "LlmClusters.Core.Traces", "LlmClusters.Core.Metrics", "LlmClusters.Core.Clustering",
            "LlmClusters.Core.Comparison", "LlmClusters.Core.Import", "LlmClusters.Core.Demo", "LlmClusters.Core.Reports", "LlmClusters.Embeddings"]),
        ("cmdlets", ["LlmClusters.Commands", "LlmClusters.Completers", "LlmClusters.Infrastructure", "LlmClusters.Parameters", "LlmClusters.Sessions"]),
    ];

    public static TheoryData<string> LayerNames() => [.. Layers[..^1].Select(l => l.Name)];

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void A_layer_uses_none_above_it(string layer)
    {
        var at = Array.FindIndex(Layers, l => l.Name == layer);
        var above = Layers[(at + 1)..].SelectMany(l => l.Namespaces).ToArray();
        Types().That().ResideInNamespaceMatching(Exactly(Layers[at].Namespaces))
            .Should().NotDependOnAny(Types().That().ResideInNamespaceMatching(Exactly(above)))
            .Check(Module);
    }

    [Fact]
    public void Every_namespace_is_in_a_layer()
    {
        var placed = Layers.SelectMany(l => l.Namespaces).ToHashSet(StringComparer.Ordinal);
        var namespaces = Module.Types.Select(t => t.Namespace.FullName).Where(n => n.StartsWith("LlmClusters", StringComparison.Ordinal)).Distinct().ToList();
        Assert.Contains("LlmClusters.Core.Model", namespaces);
        Assert.All(namespaces, n => Assert.Contains(n, placed));
    }

    [Fact]
    public void No_namespaces_form_a_cycle() =>
        Slices().Matching("LlmClusters.(**)").Should().BeFreeOfCycles().Check(Module);

    private static string Exactly(IEnumerable<string> namespaces) =>
        "^(" + string.Join("|", namespaces.Select(System.Text.RegularExpressions.Regex.Escape)) + ")$";
}

/// <summary>The tests of <see cref="LayerTests"/> run after the others, by themselves.</summary>
[CollectionDefinition(LayerTests.Alone, DisableParallelization = true)]
public sealed class LayerTestsRunAlone;
