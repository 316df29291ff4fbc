using System.Management.Automation;
using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;

namespace LlmClusters.Infrastructure;

/// <summary>One place that turns core exceptions into error records with a stable id, a real category and a fix.</summary>
internal static class ErrorMapper
{
    /// <summary>
    /// A failure as its error record: a project exception by its kind (decided where it happened, by the source or
    /// reader that threw it), with the message a statement's failure needs; anything else as a write failure or unexpected.
    /// </summary>
    public static ErrorRecord ToErrorRecord(Exception error, object? target) => error switch
    {
        AnalyticsQueryException q => Record(q, ErrorKinds.For(q.Kind), target, StatementMessage(q)),
        LlmClustersException e => Record(e, ErrorKinds.For(e.Kind), e.Target ?? target, e.Message),
        IOException or UnauthorizedAccessException => Record(error, ErrorKinds.WriteFailed, target, $"'{target}' cannot be written: {error.Message}"),
        _ => Record(error, ErrorKinds.UnexpectedError, target, error.Message),
    };

    private static string StatementMessage(AnalyticsQueryException q) => q.Kind switch
    {
        FailureKind.SqlSyntaxError => $"The SQL has a syntax error: {q.Message} Correct the statement and run it again.",
        // ClickHouse follows the table's name with the whole statement ("in scope SELECT ..."): the name is what helps.
        FailureKind.TableNotFound =>
            $"{q.Message.Split(" in scope ", 2)[0].TrimEnd('.')}. Check -Table (and -Database) on Connect-LlmAnalytics, or load data first (New-LlmDemoData).",
        FailureKind.InvalidQuery => $"The database rejected the query ({q.ErrorName}): {q.Message}",
        FailureKind.SourceReadOnly =>
            $"The connection only reads, and '{q.QueryName}' would change data ({q.Message}). Connect to a folder you can write (Connect-LlmAnalytics -Path) to add data.",
        FailureKind.QueryTimeout =>
            $"The query '{q.QueryName}' ran past its time limit and was stopped: {q.Message} Narrow it (a shorter window with -Since and -Until), " +
            "or allow more time: Connect-LlmAnalytics -QueryTimeoutSeconds for every statement, Invoke-LlmQuery -TimeoutSeconds for one (0 for no limit).",
        _ => $"The query '{q.QueryName}' failed" + (q.Code > 0 ? $" (ClickHouse error {q.Code} {q.ErrorName})" : "") + $": {q.Message}",
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
