using System.Management.Automation;
using LlmClusters.Core.Demo;
using LlmClusters.Core.Model;
using LlmClusters.Core.Sources;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Chooses where the module's queries run, and makes it the session's current connection.</summary>
[Cmdlet(VerbsCommunications.Connect, "LlmAnalytics", DefaultParameterSetName = EmbeddedSet)]
[OutputType(typeof(LlmAnalyticsConnection))]
public sealed class ConnectLlmAnalyticsCommand : LlmClustersCmdlet
{
    private const string EmbeddedSet = "Embedded";
    private const string DemoSet = "Demo";

    [Parameter(ParameterSetName = EmbeddedSet, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("DataPath")]
    public string? Path { get; set; }

    [Parameter(ParameterSetName = DemoSet, Mandatory = true)]
    public SwitchParameter Demo { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Table { get; set; } = EventsTable.Default.Name;

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long? TeamId { get; set; }

    [Parameter]
    public Uri? PostHogHost { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        var demo = Demo.IsPresent;
        var path = demo ? EmbeddedSource.DemoDataPath : Path is null ? EmbeddedSource.DefaultDataPath : GetUnresolvedProviderPathFromPSPath(Path);
        if (PostHogHost is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
            ThrowTerminatingError(ErrorMapper.Record(new ArgumentException("PostHogHost"), "InvalidPostHogHost", ErrorCategory.InvalidArgument, PostHogHost,
                $"'{PostHogHost}' is not a web address. Pass the PostHog address users open in a browser, such as https://eu.posthog.com."));

        var source = Guard(() => new EmbeddedSource(path, new EventsTable(Table)), path);
        var connection = new LlmAnalyticsConnection(source, TeamId, PostHogHost, demo);
        var runner = Runner(connection);
        Await(token => runner.EnsureEventsTableAsync(token), path);
        if (demo)
        {
            var progress = Progress<DemoLoadProgress>(1, "Loading demo data into " + path,
                p => ($"{p.EventsWritten:N0} of {p.EventsTotal:N0} events", p.EventsWritten * 100 / Math.Max(1, p.EventsTotal)));
            var outcome = Await(token => DemoFolder.EnsureCurrentAsync(runner, new DemoDataOptions { TeamId = TeamId ?? 1 }, DateTime.UtcNow, progress, token), path);
            WriteVerbose(outcome switch
            {
                DemoFolder.Outcome.Loaded => $"The demo folder {path} was empty: loaded demo data.",
                DemoFolder.Outcome.Refreshed => $"The demo data in {path} was more than a day old: loaded it again, ending now.",
                _ => $"Using the demo data in {path}.",
            });
        }

        ConnectionRegistry.Set(connection);
        if (PassThru) WriteObject(connection);
    }
}
