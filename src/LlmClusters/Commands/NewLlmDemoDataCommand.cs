using System.Management.Automation;
using LlmClusters.Core.Demo;
using LlmClusters.Core.Model;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Writes deterministic demo LLM traffic and clustering runs into the connection's events table.</summary>
[Cmdlet(VerbsCommon.New, "LlmDemoData", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(DemoLoadSummary))]
public sealed class NewLlmDemoDataCommand : ConnectedCmdlet
{
    [Parameter(Position = 0)]
    [ValidateRange(1, 5_000_000)]
    public int TraceCount { get; set; } = DemoDataOptions.DefaultTraceCount;

    [Parameter]
    public int Seed { get; set; } = 42;

    /// <summary>The end of the generated data (exclusive); by default the last whole hour.</summary>
    [Parameter]
    public DateTime? End { get; set; }

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long TeamId { get; set; } = 1;

    [Parameter]
    [ValidateRange(10, 1_000_000)]
    public int MaxSamples { get; set; } = 1500;

    [Parameter]
    public SwitchParameter Force { get; set; }


    protected override void ProcessRecord()
    {
        var connection = ActiveConnection;
        var target = $"{connection.Table} at {connection.Location}";
        if (!ShouldProcess(target, $"Write demo data ({TraceCount:N0} traces, seed {Seed})")) return;

        var runner = Runner();
        Guard(() => { runner.EnsureWritable(); return true; }, target);
        Await(token => runner.EnsureEventsTableAsync(token), target);
        var hasEvents = Await(token => runner.HasAnyEventAsync(token), target);
        if (hasEvents && !Force)
        {
            WriteError(ErrorMapper.Refusal(ErrorKinds.TableNotEmpty, target,
                $"{target} already holds events; demo data would be added to them. Use -Force to add it anyway, or Connect-LlmAnalytics -Path <new folder> first."));
            return;
        }

        var options = new DemoDataOptions
        {
            Seed = Seed,
            TraceCount = TraceCount,
            TeamId = TeamId,
            MaxSamples = MaxSamples,
            End = End is { } end ? UtcTime.From(end) : DemoDataOptions.DefaultEnd(DateTime.UtcNow),
        };
        var progress = Progress<DemoLoadProgress>(1, "Writing demo data to " + target,
            p => (p.Status, p.Percent));
        WriteObject(Await(token => Task.Run(() => DemoDataLoader.LoadAsync(runner, DemoDataGenerator.Stream(options), progress, token), token), target));
    }
}
