using System.Diagnostics;
using System.Globalization;
using LlmClusters.Bench;
using LlmClusters.Core.Clustering;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Demo;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;

// build.ps1 Bench: 1,000,000 demo events in a fresh embedded folder, then the module's metrics against PostHog's
// method and against the floor, for a 1,500-item and a 100,000-item run, each repeated and reported as a median.
var events = Option("--events", 1_000_000);
var repeat = Option("--repeat", 5);
var keep = args.Contains("--keep");
var folder = args.SkipWhile(a => a != "--data").Skip(1).FirstOrDefault() ?? Path.Combine(Path.GetTempPath(), "llmclusters-bench-" + Guid.NewGuid().ToString("N"));
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

try
{
    var source = new EmbeddedSource(folder);
    var runner = new QueryRunner(source);
    var firstCall = await Time(() => runner.QueryAsync(new SqlQuery("FirstStatement", "SELECT 1"), CancellationToken.None));
    var warmCall = await Time(() => runner.QueryAsync(new SqlQuery("FirstStatement", "SELECT 1"), CancellationToken.None));
    var connection = new LlmAnalyticsConnection(source);
    var clock = Stopwatch.StartNew();
    DemoLoadSummary? summary = null;
    if (!await runner.HasAnyEventSafeAsync())
    {
        // The demo traffic averages about 6.3 events per trace (summaries and evaluations counted). Made and loaded trace by trace (one batch of rows held at
        // a time), with every event's content in events, as the SDKs write it and the metrics statements read it.
        var data = DemoDataGenerator.Stream(new DemoDataOptions
        {
            Seed = 1, TraceCount = (int)Math.Ceiling(events / 6.3), MaxSamples = 1_500, ManualRunMaxSamples = 100_000,
            // Seven days, so that the manual seven-day run holds 100,000 items at the default million events.
            End = new DateTime(2026, 3, 28, 0, 0, 0, DateTimeKind.Utc), Days = 7, SplitAfter = TimeSpan.FromDays(8),
        });
        summary = await DemoDataLoader.LoadAsync(runner, data, null, CancellationToken.None);
    }
    var loadSeconds = clock.Elapsed.TotalSeconds;
    var total = Convert.ToInt64((await runner.QueryAsync(new SqlQuery("CountEvents", $"SELECT count() FROM {source.Table.Quoted}"), CancellationToken.None)).Rows[0][0]);

    var table = await runner.DescribedTableAsync(CancellationToken.None);
    var reader = new ClusterReader(connection);
    var metrics = new ClusterMetricsReader(connection);
    var posthog = new PostHogMethod(runner);
    var runs = await reader.ListRunsAsync(new RunFilter { Since = new DateTime(2026, 3, 1), Until = new DateTime(2026, 4, 1), Level = ClusterLevel.trace }, CancellationToken.None);
    var small = runs.First(r => r.TotalItemsAnalyzed == 1_500);
    var large = runs.Single(r => r.RunId.EndsWith("_manual", StringComparison.Ordinal));

    Console.WriteLine();
    Console.WriteLine($"Benchmark: {total:N0} events, embedded engine (chDB), {Environment.ProcessorCount} cores, median of {repeat} after a warm-up, {DateTime.UtcNow:yyyy-MM-dd}");
    Console.WriteLine($"Command: dotnet pwsh ./build.ps1 Bench{(events != 1_000_000 ? $" -BenchEvents {events}" : "")}");
    if (summary is not null)
        Console.WriteLine($"Generated and loaded {summary.EventCount:N0} events ({summary.TraceCount:N0} traces, {summary.RunCount} runs) in {loadSeconds:0.0} s, " +
                          $"the process peaking at {PeakMemory.ResidentPeakBytes() / 1024.0 / 1024.0:N0} MB resident.");
    var sizes = (await runner.QueryAsync(new SqlQuery("GenerationSizes", $"""
        SELECT quantiles(0.5, 0.99)(length(properties)) AS q, max(length(properties)) AS largest, avg(length(properties)) AS mean
        FROM {source.Table.Quoted} WHERE event = '$ai_generation'
        """), CancellationToken.None)).Rows[0];
    var q = (object?[])sizes[0]!;
    Console.WriteLine($"$ai_generation properties: median {Convert.ToDouble(q[0]) / 1024:0.0} KiB, mean {Convert.ToDouble(sizes[2]) / 1024:0.0} KiB, " +
                      $"p99 {Convert.ToDouble(q[1]) / 1024:0.0} KiB, largest {Convert.ToDouble(sizes[1]) / 1024:0.0} KiB; the table reads them from {table.Columns}.");
    Console.WriteLine();
    Console.WriteLine($"First statement of a session (the engine started, the folder opened): {firstCall:0.000} s; the same statement warm: {warmCall:0.0000} s.");
    Console.WriteLine();
    Console.WriteLine("Each column includes reading the run's clusters (the module's RunClusters, as Get-LlmCluster -NoMetrics reads them), but the floor's;");
    Console.WriteLine("PostHog's method also reads the run's items (the module's ClusterItems), which its page loads with the clusters.");
    Console.WriteLine();
    Console.WriteLine("| run | items | module (Measure-ClusterMetrics) | PostHog's page method | module faster by | floor: one scan, no membership | module / floor | reading the run | module's statements, the run held |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var run in new[] { small, large })
    {
        var id = ClusterRunId.Parse(run.RunId);
        var held = await reader.ReadClustersAsync(id, CancellationToken.None);
        Agree(await metrics.MeasureAsync(held, MetricsDimension.None, CancellationToken.None),
            await posthog.MeasureAsync(held, await reader.ReadItemsAsync(id, null, null, CancellationToken.None), CancellationToken.None));
        // The connection remembers runs it read: each timing reads the run's event again, as a new pipeline does.
        async Task<RunClusters> Read()
        {
            connection.Runs.Clear();
            return await reader.ReadClustersAsync(id, CancellationToken.None);
        }
        async Task Module() => await metrics.MeasureAsync(await Read(), MetricsDimension.None, CancellationToken.None);
        // The page reads the run's clusters with their items; the module reads them apart, so the baseline reads both.
        async Task PostHog() => await posthog.MeasureAsync(await Read(), await reader.ReadItemsAsync(id, null, null, CancellationToken.None), CancellationToken.None);
        Task Floor() => posthog.FloorAsync(run, CancellationToken.None);
        Task Held() => metrics.MeasureAsync(held, MetricsDimension.None, CancellationToken.None);

        var (module, baseline, floor, reading, statements) = (new List<double>(), new List<double>(), new List<double>(), new List<double>(), new List<double>());
        for (var i = 0; i < repeat; i++)
        {
            module.Add(await Time(Module));
            baseline.Add(await Time(PostHog));
            floor.Add(await Time(Floor));
            reading.Add(await Time(Read));
            statements.Add(await Time(Held));
        }
        var (m, b, f, r, h) = (Median(module), Median(baseline), Median(floor), Median(reading), Median(statements));
        Console.WriteLine($"| {run.RunId} | {run.TotalItemsAnalyzed:N0} | {m:0.000} s | {b:0.000} s | {b / m:0.0}x | {f:0.000} s | {m / f:0.00}x | {r:0.000} s | {h:0.000} s |");
    }

    using (var peak = new PeakMemory())
    {
        var clusters = await reader.ReadClustersAsync(ClusterRunId.Parse(large.RunId), CancellationToken.None);
        await metrics.MeasureAsync(clusters, MetricsDimension.None, CancellationToken.None);
        Console.WriteLine();
        Console.WriteLine($"Peak managed memory of the module during the {large.TotalItemsAnalyzed:N0}-item run: {peak.PeakBytes / 1024.0 / 1024.0:0.0} MiB above where it started.");
    }

    if (args.Contains("--metrics-only")) return 0;

    // Get-LlmTrace of 100 traces of the large run (every event with its messages), and Import-LlmEvent's rate on an
    // export of 200,000 of the bench's events (JSON Lines, as PostHog's batch export writes them).
    {
        var items = await reader.ReadItemsAsync(ClusterRunId.Parse(large.RunId), null, null, CancellationToken.None);
        var requests = items.Where(i => i.TraceId is not null).Take(100)
            .Select(i => new LlmClusters.Core.Traces.TraceRequest(i.TraceId!, large.WindowStart!.Value.AddMinutes(-10), large.WindowEnd!.Value.AddMinutes(10))).ToList();
        var traces = new LlmClusters.Core.Traces.TraceReader(connection);
        var reads = new List<double>();
        for (var i = 0; i < repeat; i++) reads.Add(await Time(() => traces.ReadAsync(requests, CancellationToken.None)));
        Console.WriteLine();
        Console.WriteLine($"Get-LlmTrace of {requests.Count} traces of the {large.TotalItemsAnalyzed:N0}-item run, every event with its messages: {Median(reads):0.000} s.");

        var export = Path.Combine(folder, "export.jsonl");
        // The file() table function takes its path as a bound value (INTO OUTFILE takes only a literal).
        await runner.QueryAsync(new SqlQuery("WriteExport", $"""
            INSERT INTO FUNCTION file({"{path:String}"}, 'JSONEachRow')
            SELECT uuid, event, properties, timestamp, team_id, distinct_id FROM {source.Table.Quoted}
            ORDER BY timestamp LIMIT 200000
            """, new Dictionary<string, object?> { ["path"] = export }) { Writes = true }, CancellationToken.None);
        var importRunner = new QueryRunner(new EmbeddedSource(folder, new EventsTable("bench_import")));
        LlmClusters.Core.Import.ImportResult? imported = null;
        var seconds = await Time(async () => imported = await new LlmClusters.Core.Import.EventImporter(importRunner).ImportAsync(export, new(), CancellationToken.None));
        Console.WriteLine($"Import-LlmEvent of a {new FileInfo(export).Length / 1024.0 / 1024.0:0} MiB export of {imported!.EventsRead:N0} events: {seconds:0.0} s, " +
                          $"{imported.EventsRead / seconds:N0} events a second.");
    }

    // HogQL has no quantileExact: the metrics query reads exact quantiles from each cluster's sorted values instead.
    // What that form costs against ClickHouse's quantilesExact and HogQL's quantiles, over as many items as a run holds,
    // in 20 clusters, with deterministic latencies; and whether each gives quantileExact's values.
    Console.WriteLine();
    Console.WriteLine("Exact P50/P95/P99 per cluster (20 clusters), three forms, the same values:");
    Console.WriteLine();
    Console.WriteLine("| items | sorted groupArray (the module; HogQL accepts it) | quantilesExact (ClickHouse only) | quantiles (HogQL; sampled) | sorted = exact | quantiles = exact |");
    Console.WriteLine("|---:|---:|---:|---:|---|---|");
    foreach (var items in new[] { 1_500, 100_000, 1_000_000 })
    {
        string Form(string quantiles) => $"""
            SELECT g, {quantiles} AS q
            FROM (SELECT number % 20 AS g, (cityHash64(number) % 1000000) / 1000.0 AS v FROM numbers({items}))
            GROUP BY g ORDER BY g
            """;
        // As MetricsQueries.ExactQuantile reads it: element floor(p * n) (0-based) of the sorted values, as quantileExact picks.
        var sorted = Form("[arrayElement(arraySort(groupArray(v)) AS s, toInt64(floor(0.5 * length(s))) + 1), " +
                          "arrayElement(s, toInt64(floor(0.95 * length(s))) + 1), arrayElement(s, toInt64(floor(0.99 * length(s))) + 1)]");
        var exact = Form("quantilesExact(0.5, 0.95, 0.99)(v)");
        var sampled = Form("quantiles(0.5, 0.95, 0.99)(v)");
        string Values(QueryResult r) => string.Join(";", r.Rows.Select(row => string.Join(",", ((object?[])row[1]!).Select(x => Convert.ToDouble(x).ToString("R")))));
        var (a, b, c) = (await runner.QueryAsync(new SqlQuery("SortedQuantiles", sorted), CancellationToken.None),
            await runner.QueryAsync(new SqlQuery("ExactQuantiles", exact), CancellationToken.None),
            await runner.QueryAsync(new SqlQuery("SampledQuantiles", sampled), CancellationToken.None));
        var (ts, te, tq) = (new List<double>(), new List<double>(), new List<double>());
        for (var i = 0; i < repeat; i++)
        {
            ts.Add(await Time(() => runner.QueryAsync(new SqlQuery("SortedQuantiles", sorted), CancellationToken.None)));
            te.Add(await Time(() => runner.QueryAsync(new SqlQuery("ExactQuantiles", exact), CancellationToken.None)));
            tq.Add(await Time(() => runner.QueryAsync(new SqlQuery("SampledQuantiles", sampled), CancellationToken.None)));
        }
        Console.WriteLine($"| {items:N0} | {Median(ts):0.0000} s | {Median(te):0.0000} s | {Median(tq):0.0000} s | {(Values(a) == Values(b) ? "yes" : "no")} | {(Values(c) == Values(b) ? "yes" : "no")} |");
    }

    // The HTML cluster map of the 100,000-item run: its weight, and how long headless chromium takes to load and draw it.
    var largeRun = await reader.ReadClustersAsync(ClusterRunId.Parse(large.RunId), CancellationToken.None);
    var report = LlmClusters.Core.Reports.ClusterReportWriter.Write(largeRun,
        await reader.ReadItemsAsync(ClusterRunId.Parse(large.RunId), null, null, CancellationToken.None), connection.PostHogHost);
    var page = Path.Combine(folder, "report.html");
    await File.WriteAllTextAsync(page, report);
    Console.WriteLine($"Cluster report of the {large.TotalItemsAnalyzed:N0}-item run: {new FileInfo(page).Length / 1024.0 / 1024.0:0.0} MiB.");
    if (File.Exists("/usr/bin/chromium"))
    {
        var loads = new List<double>();
        for (var i = 0; i < 3; i++) loads.Add(await Time(() => Chromium(page, Path.Combine(folder, "profile"))));
        Console.WriteLine($"Headless chromium loads and draws it (process start included) in {Median(loads):0.00} s (median of 3).");
    }

    // Invoke-LlmClustering's stages over the 1,500-item run's window, per 1,000 items clustered.
    Console.WriteLine();
    Console.WriteLine("Local clustering (Invoke-LlmClustering) of the 1,500-item run's window, seconds per 1,000 items:");
    Console.WriteLine();
    Console.WriteLine("| method | items | " + string.Join(" | ", Enum.GetNames<ClusteringStage>()) + " | total |");
    Console.WriteLine("|---|---:|" + string.Concat(Enum.GetNames<ClusteringStage>().Select(_ => "---:|")) + "---:|");
    var modelClock = Stopwatch.StartNew();
    using var embedder = new LlmClusters.Embeddings.MiniLMEmbedder();
    var modelSeconds = modelClock.Elapsed.TotalSeconds;
    var localRuns = new QueryRunner(new EmbeddedSource(folder, new EventsTable("bench_local_runs")));
    await localRuns.EnsureEventsTableAsync(CancellationToken.None);
    foreach (var method in new[] { ClusteringMethod.hdbscan, ClusteringMethod.kmeans })
    {
        var result = await new LocalClusterer(connection, localRuns, embedder).RunAsync(new ClusteringOptions
        {
            Since = small.WindowStart!.Value, Until = small.WindowEnd!.Value, MaxSamples = 1_500, Method = method,
        }, null, CancellationToken.None);
        var perThousand = 1000.0 / result.ItemCount;
        Console.WriteLine($"| {method} | {result.ItemCount:N0} | " + string.Join(" | ", Enum.GetValues<ClusteringStage>().Select(s => $"{result.Timings.GetValueOrDefault(s).TotalSeconds * perThousand:0.000}")) +
                          $" | {result.Timings.Values.Sum(t => t.TotalSeconds) * perThousand:0.00} |");
    }
    Console.WriteLine();
    Console.WriteLine($"Loading the MiniLM model (once per session): {modelSeconds:0.00} s.");
    return 0;
}
finally
{
    EngineControl.Shutdown();
    if (!keep && !args.Contains("--data")) try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
}

int Option(string name, int fallback) =>
    args.SkipWhile(a => a != name).Skip(1).FirstOrDefault() is { } v && int.TryParse(v, out var n) ? n : fallback;

static async Task<double> Time(Func<Task> work)
{
    var clock = Stopwatch.StartNew();
    await work();
    return clock.Elapsed.TotalSeconds;
}

static async Task Chromium(string page, string profile)
{
    var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/chromium") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile, "--dump-dom", "file://" + page })
        start.ArgumentList.Add(flag);
    using var browser = System.Diagnostics.Process.Start(start)!;
    var errors = browser.StandardError.ReadToEndAsync();
    var dom = await browser.StandardOutput.ReadToEndAsync();
    await browser.WaitForExitAsync();
    await errors;
    if (!dom.Contains("data-marks=", StringComparison.Ordinal)) throw new InvalidOperationException("chromium did not draw the report.");
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
}

// The two methods must agree before their times mean anything.
static void Agree(IReadOnlyList<ClusterMetrics> module, Dictionary<int, (long Items, long Errors, double? AvgCost, double? TotalCost, double? AvgLatency, double? AvgTokens)> baseline)
{
    foreach (var m in module)
    {
        var b = baseline[m.ClusterId];
        if (m.ItemCount != b.Items || m.ErrorCount != b.Errors || Math.Abs((m.TotalCost ?? 0) - (b.TotalCost ?? 0)) > 1e-6 * Math.Max(1, b.TotalCost ?? 0)
            || Math.Abs((m.AvgLatency ?? 0) - (b.AvgLatency ?? 0)) > 1e-9 * Math.Max(1, b.AvgLatency ?? 0))
            throw new InvalidOperationException($"Cluster {m.ClusterId}: the module says {m.ItemCount} items, {m.ErrorCount} errors, cost {m.TotalCost}, latency {m.AvgLatency}; " +
                                                $"PostHog's method says {b.Items}, {b.Errors}, {b.TotalCost}, {b.AvgLatency}.");
    }
}

internal static class RunnerExtensions
{
    public static async Task<bool> HasAnyEventSafeAsync(this QueryRunner runner)
    {
        await runner.EnsureEventsTableAsync(CancellationToken.None);
        return await runner.HasAnyEventAsync(CancellationToken.None);
    }
}
