using System.Management.Automation;
using LlmClusters.Core.Clustering;
using LlmClusters.Core.Clusters;
using LlmClusters.Core.Import;
using LlmClusters.Core.Metrics;
using LlmClusters.Core.Model;
using LlmClusters.Core.Sources;
using LlmClusters.Core.Traces;

namespace LlmClusters.Infrastructure;

/// <summary>One place that turns core exceptions into error records with a stable id, a real category and a fix.</summary>
internal static class ErrorMapper
{
    public static ErrorRecord ToErrorRecord(Exception error, object? target) => error switch
    {
        AnalyticsQueryException { Code: 62 } q => Record(q, ErrorKinds.SqlSyntaxError, target,
            $"The SQL has a syntax error: {q.Message} Correct the statement and run it again."),
        AnalyticsQueryException { Code: 60 or 81 } q => Record(q, ErrorKinds.TableNotFound, target,
            // ClickHouse follows the table's name with the whole statement ("in scope SELECT ..."): the name is what helps.
            $"{q.Message.Split(" in scope ", 2)[0].TrimEnd('.')}. Check -Table (and -Database) on Connect-LlmAnalytics, or load data first (New-LlmDemoData)."),
        AnalyticsQueryException { Code: 47 or 46 or 43 or 53 or 456 } q => Record(q, ErrorKinds.InvalidQuery, target,
            $"The database rejected the query ({q.ErrorName}): {q.Message}"),
        AnalyticsQueryException { Code: 164 } q => Record(q, ErrorKinds.SourceReadOnly, target,
            $"The connection only reads, and '{q.QueryName}' would change data ({q.Message}). Connect to a folder you can write (Connect-LlmAnalytics -Path) to add data."),
        AnalyticsQueryException { Code: 159 } q => Record(q, ErrorKinds.QueryTimeout, target,
            $"The query '{q.QueryName}' ran past its time limit and was stopped: {q.Message} Narrow it (a shorter window with -Since and -Until), " +
            "or allow more time: Connect-LlmAnalytics -QueryTimeoutSeconds for every statement, Invoke-LlmQuery -TimeoutSeconds for one (0 for no limit)."),
        AnalyticsQueryException q => Record(q, ErrorKinds.QueryFailed, target,
            $"The query '{q.QueryName}' failed" + (q.Code > 0 ? $" (ClickHouse error {q.Code} {q.ErrorName})" : "") + $": {q.Message}"),
        RunNotFoundException e => Record(e, ErrorKinds.RunNotFound, e.RunId, e.Message),
        InvalidRunPayloadException e => Record(e, ErrorKinds.InvalidRunPayload, e.RunId, e.Message),
        ImportFailedException e => Record(e, ErrorKinds.ImportFailed, e.Path, e.Message),
        TraceNotFoundException e => Record(e, ErrorKinds.TraceNotFound, e.TraceId, e.Message),
        MetricsNotAvailableException e => Record(e, ErrorKinds.MetricsNotAvailable, e.RunId, e.Message),
        SourceUnreachableException { LoginRefused: true } e => Record(e, ErrorKinds.LoginFailed, target, e.Message),
        SourceUnreachableException e => Record(e, ErrorKinds.ServerUnreachable, target, e.Message),
        NothingToClusterException e => Record(e, ErrorKinds.NothingToCluster, target, e.Message),
        TooManyClustersException e => Record(e, ErrorKinds.TooManyClusters, e.K, e.Message),
        FilterFailedException e => Record(e, ErrorKinds.FilterFailed, e.TraceId, e.Message),
        ProjectNotFoundException e => Record(e, ErrorKinds.ProjectNotFound, target, e.Message),
        ReadOnlySourceException e => Record(e, ErrorKinds.SourceReadOnly, target, e.Message),
        NotConnectedException e => Record(e, ErrorKinds.NotConnected, target, e.Message),
        DataFolderInUseException e => Record(e, ErrorKinds.DataFolderInUse, e.Path, e.Message),
        EngineNotRespondingException e => Record(e, ErrorKinds.EngineNotResponding, target, e.Message),
        EngineUnavailableException e => Record(e, ErrorKinds.EngineUnavailable, target, e.Message),
        Core.Components.ComponentUnavailableException e => Record(e, ErrorKinds.ComponentUnavailable, e.Component.Name, e.Message),
        InvalidDataFolderException e => Record(e, ErrorKinds.InvalidDataPath, e.Path, e.Message),
        InvalidTableNameException e => Record(e, ErrorKinds.InvalidTableName, target, e.Message),
        InvalidConnectionStringException e => Record(e, ErrorKinds.InvalidConnectionString, target, e.Message),
        IOException or UnauthorizedAccessException => Record(error, ErrorKinds.WriteFailed, target, $"'{target}' cannot be written: {error.Message}"),
        _ => Record(error, ErrorKinds.UnexpectedError, target, error.Message),
    };

    /// <summary>A run does not have the cluster asked for; names the ones it has.</summary>
    public static ErrorRecord ClusterNotFound(string runId, int clusterId, IEnumerable<int> available) =>
        Refusal(ErrorKinds.ClusterNotFound, clusterId,
            $"Run {runId} has no cluster {clusterId}. Its clusters are: {string.Join(", ", available)}.");

    /// <summary>One ClusterNotFound record for each asked-for cluster the run does not have.</summary>
    public static IEnumerable<ErrorRecord> ClustersNotFound(string runId, IEnumerable<int>? requested, IReadOnlyList<LlmCluster> clusters) =>
        (requested ?? []).Except(clusters.Select(c => c.ClusterId)).Select(missing => ClusterNotFound(runId, missing, clusters.Select(c => c.ClusterId)));

    /// <summary>Two runs of different levels share no item (traces in one, generations in the other): a comparison would call every cluster new.</summary>
    public static ErrorRecord RunLevelsDiffer(ClusterRunId reference, ClusterRunId difference) =>
        Refusal(ErrorKinds.RunLevelsDiffer, difference.RunId,
            $"Run {reference.RunId} is {reference.Level}-level and run {difference.RunId} is {difference.Level}-level: their items are different things " +
            "(traces, generations), so no cluster could be matched and every one would read as new or vanished.");

    /// <summary>A time window that is empty: -Since not before -Until, once defaults are filled in.</summary>
    public static ErrorRecord InvalidTimeRange(object? since, DateTime from, DateTime to) =>
        Refusal(ErrorKinds.InvalidTimeRange, since,
            $"-Since ({from:u}) must be before -Until ({to:u}).");

    /// <summary>
    /// A refusal the module makes itself: the exception carries the same full sentence as the record, since runbooks
    /// log $_.Exception.Message.
    /// </summary>
    public static ErrorRecord Refusal(ErrorKind kind, object? target, string message) =>
        Record(kind.Category switch
        {
            ErrorCategory.InvalidArgument or ErrorCategory.InvalidData => new PSArgumentException(message),
            ErrorCategory.ObjectNotFound => new ItemNotFoundException(message),
            ErrorCategory.AuthenticationError or ErrorCategory.PermissionDenied => new UnauthorizedAccessException(message),
            _ => new PSInvalidOperationException(message),
        }, kind, target, message);

    // The message is what the console shows: text from the data in it (ids, titles) with its control characters escaped.
    public static ErrorRecord Record(Exception error, ErrorKind kind, object? target, string message) =>
        new(error, kind.Id, kind.Category, target)
        {
            ErrorDetails = new ErrorDetails(Core.Formatting.TerminalText.Escape(message)) { RecommendedAction = kind.RecommendedAction },
        };
}
