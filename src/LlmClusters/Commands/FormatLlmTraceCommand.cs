using System.Management.Automation;
using System.Management.Automation.Host;
using LlmClusters.Core.Formatting;
using LlmClusters.Core.Model;
using LlmClusters.Core.Traces;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Renders traces as trees of spans, generations and embeddings, with the first lines of their messages.</summary>
[Cmdlet(VerbsCommon.Format, "LlmTrace")]
[OutputType(typeof(string))]
public sealed class FormatLlmTraceCommand : PSCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true)]
    public PSObject[] InputObject { get; set; } = [];

    /// <summary>Whole messages instead of their first lines.</summary>
    [Parameter]
    public SwitchParameter Full { get; set; }

    /// <summary>Characters per line for shortened messages. Defaults to the console's width.</summary>
    [Parameter]
    [ValidateRange(40, 10_000)]
    public int Width { get; set; }

    protected override void ProcessRecord()
    {
        var width = Width > 0 ? Width : ConsoleWidth();
        // Any object binds, so that objects of another kind get one message at the end, not one binding error each.
        foreach (var trace in (_input ??= new PipelineInput(MyInvocation.MyCommand.Name, "traces (Get-LlmTrace)")).Take<LlmTrace>(InputObject))
        {
            if (trace.Events.Count == 0)
                WriteWarning(TerminalText.Escape($"Trace {trace.TraceId} was listed without its events; read it with Get-LlmTrace -TraceId {trace.TraceId} to see its tree."));
            foreach (var line in TraceTreeRenderer.Render(trace, Full, width)) WriteObject(line);
            WriteObject(string.Empty);
        }
    }

    protected override void EndProcessing()
    {
        foreach (var error in _input?.Errors("Read the traces first: Get-ClusterItem | Get-LlmTrace | Format-LlmTrace.") ?? []) WriteError(error);
    }

    private PipelineInput? _input;

    private int ConsoleWidth()
    {
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
