using LlmClusters.Core.Demo;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;
using LlmClusters.Tests.Sources;

// Usage: LlmClusters.Endpoint --data <folder> [--demo-traces N] [--demo-seed S] [--password P] [--api-key K]
// Loads demo data into the folder when it is empty, serves ClickHouse's HTTP protocol and PostHog's API (project 1,
// key K with both scopes) on free loopback ports, prints "PORT <n>" and then "POSTHOG <n>" once listening, and stops
// when its standard input closes or after an hour, whichever comes first.
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
var folder = Option("--data") ?? throw new ArgumentException("--data <folder> is required");
var traces = int.TryParse(Option("--demo-traces"), out var n) ? n : 600;
var seed = int.TryParse(Option("--demo-seed"), out var s) ? s : 21;

var runner = new QueryRunner(new EmbeddedSource(folder));
await runner.EnsureEventsTableAsync(CancellationToken.None);
if (!await runner.HasAnyEventAsync(CancellationToken.None))
    await DemoDataLoader.LoadAsync(runner, DemoDataGenerator.Generate(new DemoDataOptions { TraceCount = traces, Seed = seed }), null, CancellationToken.None);

using var endpoint = new ClickHouseHttpEndpoint(runner.Source.Location, Option("--password"));
using var postHog = new PostHogApiEndpoint(runner.Source.Location, EventsTable.Default, 1, new Dictionary<string, string[]>
{
    [Option("--api-key") ?? "phx_endpoint_key"] = [PostHogApiEndpoint.QueryScope, PostHogApiEndpoint.LlmAnalyticsScope],
});
Console.WriteLine($"PORT {endpoint.Port}");
Console.WriteLine($"POSTHOG {postHog.Port}");
Console.Out.Flush();
var stdin = Task.Run(() => Console.In.ReadToEnd());
await Task.WhenAny(stdin, Task.Delay(TimeSpan.FromHours(1)));
EngineControl.Shutdown();
