using System.Text;
using System.Text.RegularExpressions;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Model;
using LlmClusters.Core.Reports;

namespace LlmClusters.Tests.Reports;

public sealed class ClusterReportWriterTests
{
    private static readonly Uri Host = new("https://eu.posthog.com");

    private static (RunClusters Run, List<ClusterItem> Items) Run(int items, string title = "Billing")
    {
        var run = new ClusterRun { RunId = "1_trace_20260328_120000", Level = ClusterLevel.trace, UiUrl = PostHogLinks.Run(Host, 1, "1_trace_20260328_120000") };
        var clusters = Enumerable.Range(-1, 9).Select(id => new LlmCluster
        {
            RunId = run.RunId, Level = ClusterLevel.trace, ClusterId = id, Title = id == -1 ? "Outliers" : $"{title} {id}", Description = "About <things> & more",
            Size = items / 9, IsNoise = id == -1, UiUrl = PostHogLinks.Cluster(Host, 1, run.RunId, id), ErrorRate = 0.05, AvgCost = 0.001,
        }).ToList();
        var random = new Random(1);
        var list = Enumerable.Range(0, items).Select(i => new ClusterItem
        {
            RunId = run.RunId, ClusterId = i % 9 - 1, ItemId = Guid.NewGuid().ToString("D"), TraceId = Guid.NewGuid().ToString("D"), Rank = i / 9,
            X = random.NextDouble() * 20 - 10, Y = random.NextDouble() * 20 - 10, Level = ClusterLevel.trace,
        }).ToList();
        return (new RunClusters(run, clusters, []), list);
    }

    [Fact]
    public void A_100000_item_run_stays_a_few_megabytes_and_needs_no_network()
    {
        var (run, items) = Run(100_000);
        var html = ClusterReportWriter.Write(run, items, Host);

        Assert.InRange(Encoding.UTF8.GetByteCount(html), 1, 10 * 1024 * 1024);
        Assert.DoesNotMatch(new Regex(@"<script[^>]+src=|<link |@import|url\(", RegexOptions.IgnoreCase), html);
        Assert.Equal(9, Regex.Count(html, "<tr><td data-v="));
        Assert.Contains("\"traceBase\":\"https://eu.posthog.com/project/1/llm-analytics/traces/\"", html);
    }

    [Fact]
    public void Each_items_link_in_the_page_is_its_UiUrl()
    {
        var at = new DateTime(2026, 3, 28, 11, 5, 6, 789, DateTimeKind.Utc);
        var run = new ClusterRun { RunId = "7_evaluation_20260328_120000", Level = ClusterLevel.evaluation, UiUrl = "" };
        var clusters = new List<LlmCluster> { new() { RunId = run.RunId, Level = ClusterLevel.evaluation, ClusterId = 0, Title = "C", Size = 3, UiUrl = "" } };
        ClusterItem Item(string id, string? trace, string? generation, DateTime? time) => new()
        {
            RunId = run.RunId, ClusterId = 0, ItemId = id, TraceId = trace, GenerationId = generation, Timestamp = time, X = 1, Y = 2, Level = ClusterLevel.evaluation,
            UiUrl = ClusterReader.ItemLink(Host, 7, ClusterLevel.evaluation, trace, generation, time),
        };
        var items = new List<ClusterItem>
        {
            Item("e1", "trace (1)!*'", "gen/1", at),
            Item("e2", "t2", null, null),
            Item("e3", null, "gen-3", at),
        };
        var html = ClusterReportWriter.Write(new RunClusters(run, clusters, []), items, Host);

        var data = Regex.Match(html, "<script type=\"application/json\" id=\"data\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value;
        var script = Regex.Match(html, @"const esc=.*?\n.*?function link\(i\)\{.*?\n.*?\}\n", RegexOptions.Singleline).Value;
        Assert.NotEmpty(script);
        var node = new System.Diagnostics.ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        node.ArgumentList.Add("-e");
        node.ArgumentList.Add("let s='';process.stdin.on('data',c=>s+=c).on('end',()=>{const d=JSON.parse(s);" + script + "console.log(JSON.stringify(d.t.map((_,i)=>link(i))));});");
        using var process = System.Diagnostics.Process.Start(node)!;
        process.StandardInput.Write(data);
        process.StandardInput.Close();
        var links = System.Text.Json.JsonSerializer.Deserialize<string?[]>(process.StandardOutput.ReadToEnd());
        process.WaitForExit();

        Assert.Equal(items.Select(i => i.UiUrl), links);
        Assert.Null(items[2].UiUrl);
    }

    [Fact]
    public void Titles_cannot_break_out_of_the_page()
    {
        var (run, items) = Run(90, "</script><script>alert(1)</script>");
        var html = ClusterReportWriter.Write(run, items, Host);

        Assert.DoesNotContain("<script>alert(1)", html);
        Assert.Contains("&lt;/script&gt;&lt;script&gt;alert(1)", html);   // in the table and legend
        Assert.Contains("\\u003C/script\\u003E", html);                      // in the data
        Assert.Contains("About &lt;things&gt; &amp; more", html);
    }
}

/// <summary>The 100,000-item page in a real browser (Debian's chromium); skipped, saying why, where there is none.</summary>
public sealed class ClusterReportBrowserTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("llmclusters-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [SkippableFact]
    public async Task A_100000_item_page_draws_every_item()
    {
        Skip.IfNot(File.Exists("/usr/bin/chromium"), "No browser at /usr/bin/chromium to draw the page in (on Debian: apt-get install chromium).");
        var run = new ClusterRun { RunId = "1_trace_20260328_120000", Level = ClusterLevel.trace, UiUrl = "" };
        var clusters = Enumerable.Range(0, 8).Select(id => new LlmCluster { RunId = run.RunId, Level = ClusterLevel.trace, ClusterId = id, Title = $"C{id}", Size = 12_500, UiUrl = "" }).ToList();
        var random = new Random(2);
        var items = Enumerable.Range(0, 100_000).Select(i => new ClusterItem
        {
            RunId = run.RunId, ClusterId = i % 8, ItemId = i.ToString(System.Globalization.CultureInfo.InvariantCulture), Rank = i / 8,
            X = random.NextDouble(), Y = random.NextDouble(), Level = ClusterLevel.trace, UiUrl = "",
        }).ToList();
        var page = Path.Combine(_folder, "large.html");
        File.WriteAllText(page, ClusterReportWriter.Write(new RunClusters(run, clusters, []), items, new Uri("https://us.posthog.com")));

        var start = new System.Diagnostics.ProcessStartInfo("/usr/bin/chromium") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--user-data-dir=" + Path.Combine(_folder, "profile"), "--virtual-time-budget=20000", "--dump-dom", "file://" + page })
            start.ArgumentList.Add(flag);
        using var browser = System.Diagnostics.Process.Start(start)!;
        _ = browser.StandardError.ReadToEndAsync();
        var output = browser.StandardOutput.ReadToEndAsync();
        if (!browser.WaitForExit(TimeSpan.FromMinutes(2))) browser.Kill(entireProcessTree: true);
        var dom = await output;

        Assert.Contains("data-marks=\"100000\"", dom);
    }
}
