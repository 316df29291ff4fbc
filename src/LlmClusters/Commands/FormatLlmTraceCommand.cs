using System.Management.Automation;
using System.Management.Automation.Host;
using LlmClusters.Core.Formatting;
using LlmClusters.Core.Model;
using LlmClusters.Core.Traces;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>
/// Renders traces as trees of spans, generations and embeddings, with the first lines of their messages. Listed
/// traces (totals only) are read whole on the way, a batch at a time, so a listing renders as its trees.
/// </summary>
[Cmdlet(VerbsCommon.Format, "LlmTrace")]
[OutputType(typeof(string))]
public sealed class FormatLlmTraceCommand : ConnectedCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public PSObject[] InputObject { get; set; } = [];

    /// <summary>Whole messages instead of their first lines.</summary>
    [Parameter]
    public SwitchParameter Full { get; set; }

    /// <summary>The bullets and notes of the trace's summary under its title.</summary>
    [Parameter]
    public SwitchParameter Detailed { get; set; }

    /// <summary>Characters per line for shortened messages. Defaults to the console's width.</summary>
    [Parameter]
    [ValidateRange(40, 10_000)]
    public int Width { get; set; }

    // Traces waiting to be rendered, in the order they came: those without events wait for a batch to be read, and
    // whole ones behind them wait their turn, so the trees come out in the order of the input.
    private readonly List<LlmTrace> _pending = [];
    private int _listed;
    private PipelineInput? _input;
    private int _width;

    protected override void BeginProcessing() => _width = Width > 0 ? Width : ConsoleWidth();

    protected override void ProcessRecord()
    {
        // Any object binds, so that objects of another kind get one message at the end, not one binding error each.
        _input ??= new PipelineInput(MyInvocation.MyCommand.Name, "traces (Get-LlmTrace, or Import-Clixml of them)");
        foreach (var input in InputObject)
        {
            if (input is null) continue;
            if (PipedTrace.From(input) is not { } trace)
            {
                _input.Refuse(input);
                continue;
            }
            _pending.Add(trace);
            if (trace.Events.Count == 0) _listed++;
            // Whole traces behind a listed one wait for its batch, but never more than a batch of them.
            if (_listed == 0 || _listed >= TraceReader.BatchSize || _pending.Count >= TraceReader.BatchSize) Flush();
        }
    }

    protected override void EndProcessing()
    {
        Flush();
        foreach (var error in _input?.Errors("Read the traces first: Get-LlmTrace -TraceId <id> | Format-LlmTrace, or Get-ClusterItem | Get-LlmTrace | Format-LlmTrace.") ?? []) WriteError(error);
    }

    /// <summary>Reads the waiting listed traces whole (one statement), renders everything waiting, and lets it go.</summary>
    private void Flush()
    {
        IReadOnlyList<LlmTrace> traces = _pending;
        if (_listed > 0)
        {
            var connection = ActiveConnection;
            var reader = new TraceReader(connection, QueryObserver());
            var (whole, gone) = Await(token => reader.WithEventsAsync(_pending.ToList(), token), connection.Location);
            foreach (var trace in gone)
                WriteWarning(TerminalText.Escape($"Trace {trace.TraceId} was listed, but its events are no longer on {connection.Location} " +
                                                 "(PostHog's retention, or a store deleted since): it is left out."));
            traces = whole;
        }
        foreach (var trace in traces)
        {
            foreach (var line in TraceTreeRenderer.Render(trace, Full, _width, Detailed)) WriteObject(line);
            WriteObject(string.Empty);
        }
        _pending.Clear();
        _listed = 0;
    }

    private int ConsoleWidth()
    {
        // Written to a file or a pipe (a cron job, > out.txt), there is no console to fit: the host would say 80.
        if (Console.IsOutputRedirected) return 120;
        try
        {
            var width = Host.UI.RawUI.BufferSize.Width;
            return width >= 40 ? width - 1 : 120;
        }
        catch (Exception e) when (e is HostException or NotImplementedException or PSNotImplementedException)
        {
            return 120;
        }
    }
}
