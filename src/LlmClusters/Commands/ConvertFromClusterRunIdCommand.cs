using System.Management.Automation;
using LlmClusters.Completers;
using LlmClusters.Core.Model;
using LlmClusters.Infrastructure;

namespace LlmClusters.Commands;

/// <summary>Takes a run id apart: team, level, window end, the UTC day bounds, job id and label.</summary>
[Cmdlet(VerbsData.ConvertFrom, "ClusterRunId")]
[OutputType(typeof(ClusterRunId))]
public sealed class ConvertFromClusterRunIdCommand : LlmClustersCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(RunIdCompleter))]
    public string[] RunId { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (var id in RunId)
            if (ParseRunId(id) is { } parsed) WriteObject(parsed);
    }
}
