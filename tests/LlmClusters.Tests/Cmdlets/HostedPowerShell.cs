using System.Management.Automation;
using System.Management.Automation.Runspaces;
using LlmClusters.Commands;

namespace LlmClusters.Tests.Cmdlets;

/// <summary>A runspace with the module's cmdlets loaded from the assembly, to run them in-process as PowerShell does.</summary>
public sealed class HostedPowerShell : IDisposable
{
    private readonly Runspace _runspace;

    public HostedPowerShell()
    {
        var state = InitialSessionState.CreateDefault2();
        state.ImportPSModule(typeof(ConnectLlmAnalyticsCommand).Assembly.Location);
        _runspace = RunspaceFactory.CreateRunspace(state);
        _runspace.Open();
    }

    public (IReadOnlyList<PSObject> Output, IReadOnlyList<ErrorRecord> Errors, IReadOnlyList<string> Verbose) Run(string script)
    {
        using var shell = PowerShell.Create();
        shell.Runspace = _runspace;
        shell.AddScript(script);
        var output = shell.Invoke();
        return (output, shell.Streams.Error.ToList(), shell.Streams.Verbose.Select(v => v.Message).ToList());
    }

    public void Dispose() => _runspace.Dispose();
}
