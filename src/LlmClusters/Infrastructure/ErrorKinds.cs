using System.Management.Automation;
using System.Reflection;

namespace LlmClusters.Infrastructure;

/// <summary>
/// Every error the module writes, one per condition: the only place error ids and categories are chosen.
/// about_LlmClusters lists them all, and a test keeps the two the same.
/// </summary>
internal static class ErrorKinds
{
    // Connecting.
    public static readonly ErrorKind InvalidDataPath = new(nameof(InvalidDataPath), ErrorCategory.InvalidArgument, "Pass a folder (not a file) that can be created or read with -Path.");
    public static readonly ErrorKind DataFolderInUse = new(nameof(DataFolderInUse), ErrorCategory.ResourceBusy, "Close the other process that has the folder open, or connect to another folder.");
    public static readonly ErrorKind ComponentUnavailable = new(nameof(ComponentUnavailable), ErrorCategory.ResourceUnavailable,
        "Check access to the registry, or place the file by hand where the message says.");
    public static readonly ErrorKind EngineUnavailable = new(nameof(EngineUnavailable), ErrorCategory.ResourceUnavailable, "Fetch the embedded engine (Install-LlmClustersComponent -Name Engine), set LLMCLUSTERS_CHDB_LIBRARY, or connect to a ClickHouse server (-Server) or a PostHog project (-ProjectId).");
    public static readonly ErrorKind EngineNotResponding = new(nameof(EngineNotResponding), ErrorCategory.ResourceUnavailable, "Start a new PowerShell session; the embedded engine of this one no longer answers.");
    public static readonly ErrorKind NotConnected = new(nameof(NotConnected), ErrorCategory.ConnectionError, "Run Connect-LlmAnalytics first.");
    public static readonly ErrorKind ServerUnreachable = new(nameof(ServerUnreachable), ErrorCategory.ConnectionError, "Check the server's address and port, and the network between here and it.");
    public static readonly ErrorKind LoginFailed = new(nameof(LoginFailed), ErrorCategory.AuthenticationError, "Check the user and password, or the API key and its scopes.");
    public static readonly ErrorKind ProjectNotFound = new(nameof(ProjectNotFound), ErrorCategory.ObjectNotFound, "Check -ProjectId (the number in the project's address) and -PostHogHost.");
    public static readonly ErrorKind ApiKeyMissing = new(nameof(ApiKeyMissing), ErrorCategory.AuthenticationError, "Pass -ApiKey, or set POSTHOG_PERSONAL_API_KEY.");
    public static readonly ErrorKind InvalidPostHogHost = new(nameof(InvalidPostHogHost), ErrorCategory.InvalidArgument, "Pass an absolute http or https address, such as https://eu.posthog.com.");
    public static readonly ErrorKind InvalidConnectionString = new(nameof(InvalidConnectionString), ErrorCategory.InvalidArgument, "Write it as Host=...;Port=...;Username=...;Password=...;Database=...");
    public static readonly ErrorKind InvalidTableName = new(nameof(InvalidTableName), ErrorCategory.InvalidArgument, "Name the table with letters, digits and underscores, optionally as database.table.");
    public static readonly ErrorKind TeamIdNotApplicable = new(nameof(TeamIdNotApplicable), ErrorCategory.InvalidArgument, "Leave -TeamId out: a PostHog connection reads the project -ProjectId names.");
    public static readonly ErrorKind TableNotApplicable = new(nameof(TableNotApplicable), ErrorCategory.InvalidArgument, "Leave -Table out: a PostHog connection reads PostHog's events table.");

    // Queries.
    public static readonly ErrorKind SqlSyntaxError = new(nameof(SqlSyntaxError), ErrorCategory.InvalidArgument, "Correct the statement and run it again.");
    public static readonly ErrorKind TableNotFound = new(nameof(TableNotFound), ErrorCategory.ObjectNotFound, "Check -Table (and -Database) on Connect-LlmAnalytics, or load data first (New-LlmDemoData).");
    public static readonly ErrorKind InvalidQuery = new(nameof(InvalidQuery), ErrorCategory.InvalidArgument, "Correct the statement: a column, function or parameter it names is not known.");
    public static readonly ErrorKind QueryFailed = new(nameof(QueryFailed), ErrorCategory.InvalidOperation, "Read the database's message; narrow the query or check the data it reads.");
    public static readonly ErrorKind QueryTimeout = new(nameof(QueryTimeout), ErrorCategory.OperationTimeout, "Narrow the query, or allow more time with -QueryTimeoutSeconds (Connect-LlmAnalytics) or -TimeoutSeconds (Invoke-LlmQuery).");
    public static readonly ErrorKind StatementStopped = new(nameof(StatementStopped), ErrorCategory.OperationStopped, "Run the command again; another command or runspace stopped the statement.");
    public static readonly ErrorKind MultipleStatements = new(nameof(MultipleStatements), ErrorCategory.InvalidArgument, "Run one statement at a time.");
    public static readonly ErrorKind EmptyStatement = new(nameof(EmptyStatement), ErrorCategory.InvalidArgument, "Pass the SQL to run.");
    public static readonly ErrorKind OutputFormatNotAllowed = new(nameof(OutputFormatNotAllowed), ErrorCategory.InvalidArgument, "Leave out FORMAT; pipe the rows to ConvertTo-Csv or ConvertTo-Json for text.");
    public static readonly ErrorKind SessionStatementNotAllowed = new(nameof(SessionStatementNotAllowed), ErrorCategory.InvalidOperation, "Give a setting to one statement with SETTINGS, and name other databases in the statement.");
    public static readonly ErrorKind SourceReadOnly = new(nameof(SourceReadOnly), ErrorCategory.InvalidOperation, "Connect to a data folder you can write (Connect-LlmAnalytics -Path) to add data.");

    // Runs, clusters, traces.
    public static readonly ErrorKind InvalidRunId = new(nameof(InvalidRunId), ErrorCategory.InvalidArgument, "List the runs with Get-ClusterRun and pass one of their RunId values.");
    public static readonly ErrorKind RunNotFound = new(nameof(RunNotFound), ErrorCategory.ObjectNotFound, "List the runs with Get-ClusterRun (-Since for older ones).");
    public static readonly ErrorKind InvalidRunPayload = new(nameof(InvalidRunPayload), ErrorCategory.InvalidData, "Read the run's event with Invoke-LlmQuery; it was not written as PostHog writes runs.");
    public static readonly ErrorKind ClusterNotFound = new(nameof(ClusterNotFound), ErrorCategory.ObjectNotFound, "List the run's clusters with Get-LlmCluster -RunId.");
    public static readonly ErrorKind JobNotFound = new(nameof(JobNotFound), ErrorCategory.ObjectNotFound, "List the jobs with Get-ClusteringJob.");
    public static readonly ErrorKind MetricsNotAvailable = new(nameof(MetricsNotAvailable), ErrorCategory.InvalidOperation, "Read the run's own metrics with Get-LlmCluster.");
    public static readonly ErrorKind TraceNotFound = new(nameof(TraceNotFound), ErrorCategory.ObjectNotFound, "Widen the window with -Since and -Until, or check the trace id.");
    public static readonly ErrorKind InvalidTimeRange = new(nameof(InvalidTimeRange), ErrorCategory.InvalidArgument, "Give a -Since before -Until.");
    public static readonly ErrorKind RunLevelsDiffer = new(nameof(RunLevelsDiffer), ErrorCategory.InvalidArgument,
        "Compare two runs of one level: pick them from Get-ClusterRun -Level trace (or generation, evaluation).");
    public static readonly ErrorKind EvaluationFilterNotApplicable = new(nameof(EvaluationFilterNotApplicable), ErrorCategory.InvalidArgument,
        "Leave -Verdict and -EvaluationName out, or pick an evaluation run with Get-ClusterRun -Level evaluation.");
    public static readonly ErrorKind SeveralRuns = new(nameof(SeveralRuns), ErrorCategory.InvalidArgument, "Pipe the clusters of one run.");

    // Clustering.
    public static readonly ErrorKind NothingToCluster = new(nameof(NothingToCluster), ErrorCategory.ObjectNotFound, "Widen the window with -Since, or loosen -Filter.");
    public static readonly ErrorKind ClusterCountNeedsKMeans = new(nameof(ClusterCountNeedsKMeans), ErrorCategory.InvalidArgument, "Leave -K out, or use -Method kmeans.");
    public static readonly ErrorKind MinClusterSizeNeedsHdbscan = new(nameof(MinClusterSizeNeedsHdbscan), ErrorCategory.InvalidArgument, "Leave -MinClusterSize and -MinClusterSizeFraction out, or use -Method hdbscan.");
    public static readonly ErrorKind MinClusterSizeGivenTwice = new(nameof(MinClusterSizeGivenTwice), ErrorCategory.InvalidArgument, "Give either -MinClusterSize or -MinClusterSizeFraction.");
    public static readonly ErrorKind InvalidClusterCountRange = new(nameof(InvalidClusterCountRange), ErrorCategory.InvalidArgument, "Give a -MinK no larger than -MaxK.");
    public static readonly ErrorKind MaxClusterSizeNeedsHdbscan = new(nameof(MaxClusterSizeNeedsHdbscan), ErrorCategory.InvalidArgument, "Leave -MaxClusterSizeFraction out, or use -Method hdbscan.");
    public static readonly ErrorKind InvalidClusterSizeRange = new(nameof(InvalidClusterSizeRange), ErrorCategory.InvalidArgument, "Give a -MaxClusterSizeFraction no smaller than the smallest cluster's share.");
    public static readonly ErrorKind TooManyClusters = new(nameof(TooManyClusters), ErrorCategory.InvalidArgument, "Choose a -K of at most half the items, or cluster more items.");
    public static readonly ErrorKind FilterFailed = new(nameof(FilterFailed), ErrorCategory.InvalidOperation, "Fix the -Filter scriptblock; $_ is an LlmTrace.");
    public static readonly ErrorKind InvalidFilter = new(nameof(InvalidFilter), ErrorCategory.InvalidArgument, "Pass a scriptblock or a hashtable of event properties and values to -Filter.");

    // Files and the pipeline.
    public static readonly ErrorKind FileNotFound = new(nameof(FileNotFound), ErrorCategory.ObjectNotFound, "Check the path; use -LiteralPath for names with wildcard characters.");
    public static readonly ErrorKind ImportFailed = new(nameof(ImportFailed), ErrorCategory.InvalidData, "Fix or leave out the file named in the message, then import again.");
    public static readonly ErrorKind TableNotEmpty = new(nameof(TableNotEmpty), ErrorCategory.ResourceExists, "Use an empty folder or table, or -Force to add to it.");
    public static readonly ErrorKind PathNotSingle = new(nameof(PathNotSingle), ErrorCategory.InvalidArgument, "Name one file, or use -LiteralPath.");
    public static readonly ErrorKind WriteFailed = new(nameof(WriteFailed), ErrorCategory.WriteError, "Check that the folder exists and can be written.");
    public static readonly ErrorKind PipelineInputNotUsable = new(nameof(PipelineInputNotUsable), ErrorCategory.InvalidType, "Pipe the kinds of objects the command's help names.");
    public static readonly ErrorKind UnexpectedError = new(nameof(UnexpectedError), ErrorCategory.NotSpecified, "Report it with the command that caused it.");

    /// <summary>All of them, for the test that compares them with about_LlmClusters.</summary>
    public static IReadOnlyList<ErrorKind> All { get; } = typeof(ErrorKinds).GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(f => f.FieldType == typeof(ErrorKind)).Select(f => (ErrorKind)f.GetValue(null)!).ToList();

    private static readonly Dictionary<string, ErrorKind> ById = All.ToDictionary(k => k.Id, StringComparer.Ordinal);

    /// <summary>The error a core failure is reported as: the one of the same name (a test checks that each has one).</summary>
    public static ErrorKind For(Core.Model.FailureKind kind) => ById.TryGetValue(kind.ToString(), out var found) ? found : UnexpectedError;
}
