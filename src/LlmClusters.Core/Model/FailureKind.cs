namespace LlmClusters.Core.Model;

/// <summary>
/// What went wrong, as the module reports it: each project exception carries one, decided where the failure happened
/// (a source translating its engine's or server's answer, a reader finding nothing). The cmdlet layer turns each into
/// its error record, with the same name as its error id.
/// </summary>
public enum FailureKind
{
    // Connecting.
    InvalidDataPath,
    DataFolderInUse,
    ComponentUnavailable,
    EngineUnavailable,
    EngineNotResponding,
    NotConnected,
    ServerUnreachable,
    LoginFailed,
    ProjectNotFound,
    InvalidConnectionString,
    InvalidTableName,

    // Statements.
    SqlSyntaxError,
    TableNotFound,
    InvalidQuery,
    QueryFailed,
    QueryTimeout,
    SourceReadOnly,

    // Reading.
    RunNotFound,
    InvalidRunPayload,
    TraceNotFound,
    MetricsNotAvailable,

    // Writing.
    ImportFailed,
    NothingToCluster,
    TooManyClusters,
    FilterFailed,
}
