using System.Management.Automation;
using LlmClusters.Core.Model;

namespace LlmClusters.Parameters;

/// <summary>
/// A clustering run however the user has it: a run id typed or read from a file, a <see cref="ClusterRunId"/>, a
/// <see cref="ClusterRun"/>, an <see cref="LlmCluster"/> or a <see cref="ClusterItem"/>, or a copy of one of those read
/// back (Import-Csv, Import-Clixml, ConvertFrom-Json) that has a RunId. PowerShell converts with the constructor that
/// fits when it binds a parameter, so a command reads one type; a cluster or an item also names its cluster.
/// </summary>
public sealed class RunParameter
{
    public RunParameter(string runId) => RunId = ClusterRunId.Parse(runId.Trim());

    public RunParameter(ClusterRunId runId) => RunId = runId;

    public RunParameter(ClusterRun run) : this(run.RunId) { }

    public RunParameter(LlmCluster cluster) : this(cluster.RunId) => ClusterId = cluster.ClusterId;

    public RunParameter(ClusterItem item) : this(item.RunId) => ClusterId = item.ClusterId;

    /// <summary>Any other object: one with a RunId (and a ClusterId), as the module's objects have, also when read back from a file.</summary>
    public RunParameter(object input) => (RunId, ClusterId) = Read(input as PSObject ?? new PSObject(input));

    public ClusterRunId RunId { get; }

    /// <summary>The cluster a cluster or an item is in; null for a run.</summary>
    public int? ClusterId { get; }

    /// <summary>
    /// The run a piped object names, by the rules of binding; false when it names none, with the problem when its
    /// run id is malformed (null when it has none at all).
    /// </summary>
    public static bool TryFrom(PSObject input, out RunParameter run, out string? problem)
    {
        (run, problem) = (null!, null);
        try
        {
            run = new RunParameter((object)input);
            return true;
        }
        catch (FormatException e)
        {
            problem = e.Message;
        }
        catch (PSArgumentException)
        {
        }
        return false;
    }

    private static (ClusterRunId, int?) Read(PSObject input)
    {
        switch (input.BaseObject)
        {
            case string text: return (ClusterRunId.Parse(text.Trim()), null);
            case ClusterRunId id: return (id, null);
            case ClusterRun run: return (ClusterRunId.Parse(run.RunId), null);
            case LlmCluster cluster: return (ClusterRunId.Parse(cluster.RunId), cluster.ClusterId);
            case ClusterItem item: return (ClusterRunId.Parse(item.RunId), item.ClusterId);
        }
        return PipedObject.Property(input, nameof(RunId)) switch
        {
            ClusterRunId id => (id, PipedObject.Integer(input, nameof(ClusterId))),
            string text => (ClusterRunId.Parse(text.Trim()), PipedObject.Integer(input, nameof(ClusterId))),
            _ => throw new PSArgumentException("This object names no clustering run: pass a run id, or a run, cluster or item (Get-ClusterRun, Get-LlmCluster, Get-ClusterItem)."),
        };
    }

    public override string ToString() => RunId.RunId;
}
