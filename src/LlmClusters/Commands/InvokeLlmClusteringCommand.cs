using System.Collections;
using System.Globalization;
using System.Management.Automation;
using LlmClusters.Core.Clustering;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Components;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Clusters a window's traces, generations or evaluations on this machine and writes the run in PostHog's own format.</summary>
[Cmdlet(VerbsLifecycle.Invoke, "LlmClustering", SupportsShouldProcess = true)]
[OutputType(typeof(ClusterRun))]
public sealed class InvokeLlmClusteringCommand : ConnectedCmdlet
{
    [Parameter]
    public ClusterLevel Level { get; set; } = ClusterLevel.trace;

    /// <summary>Traces and generations: embed PostHog's summaries (as PostHog does), their content, or (Auto) summaries when most have one.</summary>
    [Parameter]
    public ItemTextSource Text { get; set; } = ItemTextSource.Auto;

    /// <summary>The window's start. Defaults to 7 days before -Until.</summary>
    [Parameter]
    public DateTime? Since { get; set; }

    /// <summary>The window's end (exclusive). Defaults to now.</summary>
    [Parameter]
    public DateTime? Until { get; set; }

    [Parameter]
    [ValidateRange(3, 100_000)]
    public int MaxSamples { get; set; } = 1500;

    [Parameter]
    public ClusteringMethod Method { get; set; } = ClusteringMethod.hdbscan;

    [Parameter]
    [ValidateRange(2, 100_000)]
    public int? MinClusterSize { get; set; }

    /// <summary>HDBSCAN's smallest cluster as a share of the items, within PostHog's bounds.</summary>
    [Parameter]
    [ValidateRange(0.02, 0.5)]
    public double? MinClusterSizeFraction { get; set; }

    /// <summary>
    /// HDBSCAN's largest cluster as a share of the items (PostHog's default, 0.5): a larger one is refused and its items
    /// go to its sub-clusters, so that a run cannot collapse into one cluster.
    /// </summary>
    [Parameter]
    [ValidateRange(0.02, 1.0)]
    public double? MaxClusterSizeFraction { get; set; }

    [Parameter]
    [ValidateRange(2, 1000)]
    public int? K { get; set; }

    [Parameter]
    [ValidateRange(2, 1000)]
    public int MinK { get; set; } = 2;

    [Parameter]
    [ValidateRange(2, 1000)]
    public int MaxK { get; set; } = 10;

    /// <summary>A scriptblock run on each sampled trace ($_ is an LlmTrace), or a hashtable of event properties and values.</summary>
    [Parameter]
    [ValidateNotNull]
    public object? Filter { get; set; }

    [Parameter]
    public int Seed { get; set; } = 42;

    /// <summary>On a PostHog connection, the local data folder the run is written to (PostHog itself is never written to).</summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? LocalPath { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }


    private static readonly string[] Stages = ["Sampling", "Reading", "Embedding", "Reducing", "Clustering", "Naming", "Measuring", "Writing"];

    protected override void ProcessRecord()
    {
        var connection = ActiveConnection;
        // Asking for a number of clusters is asking for k-means.
        if (!MyInvocation.BoundParameters.ContainsKey(nameof(Method)) && (K is not null || MyInvocation.BoundParameters.ContainsKey(nameof(MinK)) || MyInvocation.BoundParameters.ContainsKey(nameof(MaxK))))
            Method = ClusteringMethod.kmeans;
        var options = Options(connection);
        var method = Method;

        // PostHog's API is only read: the run goes to a local data folder instead, and the user is told where.
        LlmAnalyticsConnection? local = null;
        if (connection.AnalyticsSource.WritesRunsElsewhere)
        {
            var path = LocalPath is null ? EmbeddedSource.DefaultDataPath : GetUnresolvedProviderPathFromPSPath(LocalPath);
            EnsureEngine();
            local = new LlmAnalyticsConnection(Guard(() => new EmbeddedSource(path), path), postHogHost: connection.PostHogHost);
        }
        var target = local ?? connection;
        var where = $"{target.Table} at {target.Location}";
        var what = $"Cluster up to {options.MaxSamples:N0} {options.Level}s from {options.Since:u} to {options.Until:u} with {Method} and write one " +
                   ClusterQueries.EventForLevel(options.Level) + " event";
        if (!ShouldProcess(where, what)) return;
        if (local is not null)
            Warn($"{connection.Location} is PostHog's API, which the module only reads: the run is written to the local data folder {local.Location}. " +
                         $"Explore it with Connect-LlmAnalytics -Path '{local.Location}' (its traces stay in PostHog).");

        var runner = target.CreateRunner(QueryObserver());
        Guard(() => { runner.EnsureWritable(); return true; }, where);
        if (local is not null) Await(token => runner.EnsureEventsTableAsync(token), where);
        // An installed package carries neither the model nor its runtime: the first clustering fetches them.
        EnsureComponent(ModuleComponents.Model);
        EnsureComponent(ModuleComponents.Runtime);
        WriteProgress(new ProgressRecord(2, "Clustering " + options.Level + "s locally", "Loading the embedding model"));
        var embedder = Await(_ => Task.Run(EmbedderCache.Get), "the embedding model");

        var progress = Progress<ClusteringProgress>(2, "Clustering " + options.Level + "s locally", p =>
        {
            var stage = (int)p.Stage;
            var within = p.Total > 0 ? (double)p.Done / p.Total : 0;
            var status = p.Total > 0 ? $"{Stages[stage]}: {p.Done:N0} of {p.Total:N0}" : Stages[stage];
            return (status, (int)((stage + within) * 100 / Stages.Length));
        });
        var clusterer = new Core.Clustering.LocalClusterer(connection, runner, embedder, QueryObserver());
        var result = Await(token => clusterer.RunAsync(options with { Method = method }, progress, token), connection.Location);
        WriteProgress(new ProgressRecord(2, "Clustering " + options.Level + "s locally", "Done") { RecordType = ProgressRecordType.Completed });

        if (result.ClusterCount == 0)
            Warn($"HDBSCAN found no group of at least {options.MinClusterSizeFor(result.ItemCount)} similar items among {result.ItemCount:N0}: run {result.RunId} holds only outliers. " +
                         "Try a smaller -MinClusterSize, more items (-MaxSamples, a wider -Since), or -Method kmeans.");
        else if (result.NoiseCount * 2 > result.ItemCount)
            Warn($"{result.NoiseCount:N0} of {result.ItemCount:N0} items are outliers in run {result.RunId}. A smaller -MinClusterSize, or -Method kmeans, groups more of them.");
        WriteVerbose($"Wrote run {result.RunId}: {result.ItemCount:N0} items in {result.ClusterCount} clusters, {result.NoiseCount:N0} outliers. " +
                     string.Join(", ", result.Timings.Select(t => $"{t.Key} {t.Value.TotalSeconds:0.00} s")));
        if (!PassThru) return;
        var runId = ClusterRunId.Parse(result.RunId);
        var runs = Await(token => new ClusterReader(target, QueryObserver()).ListRunsAsync(new RunFilter
        {
            Since = runId.DayStart, Until = runId.EventSearchEnd, RunIds = [result.RunId], First = 1,
        }, token), result.RunId);
        foreach (var run in runs) WriteObject(run);
    }

    /// <summary>
    /// Runs the -Filter scriptblock on one trace. Its errors stop it (as under -ErrorAction Stop), so that a failing
    /// filter ends the command with one error naming the trace, rather than an error per trace or a half-filtered run.
    /// </summary>
    private static bool Accepts(ScriptBlock script, LlmTrace trace)
    {
        try
        {
            var output = script.InvokeWithContext(null, [new PSVariable("_", trace), new PSVariable("ErrorActionPreference", ActionPreference.Stop)], trace);
            return LanguagePrimitives.IsTrue(output.FirstOrDefault()?.BaseObject);
        }
        catch (RuntimeException e)
        {
            throw new FilterFailedException(trace.TraceId, e.Message, e);
        }
    }

    private ClusteringOptions Options(LlmAnalyticsConnection connection)
    {
        if (K is not null && Method != ClusteringMethod.kmeans)
            Terminate(ErrorMapper.Refusal(ErrorKinds.ClusterCountNeedsKMeans, K,
                "-K chooses the number of clusters of -Method kmeans, not of -Method hdbscan. Leave -Method out (or use -Method kmeans), or leave -K out to let HDBSCAN find the clusters."));
        if ((MinClusterSize is not null || MinClusterSizeFraction is not null) && Method == ClusteringMethod.kmeans)
            Terminate(ErrorMapper.Refusal(ErrorKinds.MinClusterSizeNeedsHdbscan, (object?)MinClusterSize ?? MinClusterSizeFraction,
                "-MinClusterSize and -MinClusterSizeFraction apply to -Method hdbscan. With -Method kmeans, use -K or -MinK and -MaxK."));
        if (MinClusterSize is not null && MinClusterSizeFraction is not null)
            Terminate(ErrorMapper.Refusal(ErrorKinds.MinClusterSizeGivenTwice, MinClusterSizeFraction,
                "Give the smallest cluster either as a number of items (-MinClusterSize) or as a share of them (-MinClusterSizeFraction), not both."));
        if (MaxClusterSizeFraction is not null && Method == ClusteringMethod.kmeans)
            Terminate(ErrorMapper.Refusal(ErrorKinds.MaxClusterSizeNeedsHdbscan, MaxClusterSizeFraction,
                "-MaxClusterSizeFraction caps the clusters of -Method hdbscan; k-means makes the number of clusters it is asked for. Leave it out, or use -Method hdbscan."));
        if (MaxClusterSizeFraction is { } largest && largest < (MinClusterSizeFraction ?? ClusteringOptions.DefaultMinClusterSizeFraction))
            Terminate(ErrorMapper.Refusal(ErrorKinds.InvalidClusterSizeRange, MaxClusterSizeFraction,
                $"-MaxClusterSizeFraction ({largest}) must not be smaller than the smallest cluster's share ({MinClusterSizeFraction ?? ClusteringOptions.DefaultMinClusterSizeFraction})."));
        if (MinK > MaxK)
            Terminate(ErrorMapper.Refusal(ErrorKinds.InvalidClusterCountRange, MinK,
                $"-MinK ({MinK}) must not be larger than -MaxK ({MaxK})."));
        var until = Until is { } u ? UtcTime.From(u) : DateTime.UtcNow;
        until = new DateTime(until.Ticks - until.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var since = Since is { } s ? UtcTime.From(s) : until.AddDays(-7);
        if (since >= until) Terminate(ErrorMapper.InvalidTimeRange(Since, since, until));

        var options = new ClusteringOptions
        {
            Level = Level, Since = since, Until = until, MaxSamples = MaxSamples, MinClusterSize = MinClusterSize,
            MinClusterSizeFraction = MinClusterSizeFraction ?? ClusteringOptions.DefaultMinClusterSizeFraction, K = K, MinK = MinK, MaxK = MaxK,
            MaxClusterSizeFraction = MaxClusterSizeFraction ?? ClusterRun.DefaultMaxClusterSizeFraction,
            Seed = Seed, DefaultTeamId = connection.TeamId ?? 1, Text = Text,
        };
        return Filter switch
        {
            null => options,
            ScriptBlock when Level == ClusterLevel.evaluation => RefuseOnEvaluations(),
            ScriptBlock script => options with { TraceFilter = trace => OnPipelineThread(() => Accepts(script, trace)) },
            IDictionary pairs when pairs.Count > 0 => options with
            {
                PropertyFilter = pairs.Keys.Cast<object>().Select(key => new KeyValuePair<string, string>(
                    Convert.ToString(key, CultureInfo.InvariantCulture) ?? "", Convert.ToString(pairs[key] is PSObject p ? p.BaseObject : pairs[key], CultureInfo.InvariantCulture) ?? "")).ToList(),
            },
            _ => Refuse(),
        };

        ClusteringOptions RefuseOnEvaluations()
        {
            Terminate(ErrorMapper.Refusal(ErrorKinds.InvalidFilter, Filter,
                "-Level evaluation clusters evaluation events, not traces: filter them with a hashtable of their properties (@{ '$ai_evaluation_name' = 'Helpfulness' })."));
            return options;
        }

        ClusteringOptions Refuse()
        {
            Terminate(ErrorMapper.Refusal(ErrorKinds.InvalidFilter, Filter,
                "-Filter takes a scriptblock run on each trace ({ $_.Models -contains 'gpt-4o' }) or a hashtable of event properties and values (@{ '$ai_model' = 'gpt-4o' })."));
            return options;
        }
    }
}
