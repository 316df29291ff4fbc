using System.Management.Automation;
using LlmClusters.Core.Demo;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sessions;
using LlmClusters.Core.Sources;
using LlmClusters.Infrastructure;
using LlmClusters.Sessions;

namespace LlmClusters.Commands;

/// <summary>Chooses where the module's queries run, and makes it the session's current connection.</summary>
[Cmdlet(VerbsCommunications.Connect, "LlmAnalytics", DefaultParameterSetName = EmbeddedSet)]
[OutputType(typeof(LlmAnalyticsConnection))]
public sealed class ConnectLlmAnalyticsCommand : LlmClustersCmdlet
{
    private const string EmbeddedSet = "Embedded";
    private const string DemoSet = "Demo";
    private const string ServerSet = "Server";
    private const string ConnectionStringSet = "ConnectionString";
    private const string PostHogSet = "PostHog";
    private const string ApiKeyVariable = "POSTHOG_PERSONAL_API_KEY";

    /// <summary>A ClickHouse server holding PostHog's events (a self-hosted PostHog's, for one).</summary>
    [Parameter(ParameterSetName = ServerSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    [Alias("ComputerName", "Host")]
    public string? Server { get; set; }

    [Parameter(ParameterSetName = ServerSet)]
    [ValidateRange(1, 65535)]
    public int? Port { get; set; }

    [Parameter(ParameterSetName = ServerSet)]
    [ValidateNotNullOrEmpty]
    public string Database { get; set; } = "default";

    [Parameter(ParameterSetName = ServerSet)]
    [Credential]
    public PSCredential? Credential { get; set; }

    [Parameter(ParameterSetName = ServerSet)]
    public SwitchParameter UseTls { get; set; }

    /// <summary>A ClickHouse connection string, as ClickHouse.Driver reads it (Host=...;Port=...;Username=...;Password=...).</summary>
    [Parameter(ParameterSetName = ConnectionStringSet, Mandatory = true)]
    [ValidateNotNullOrEmpty]
    public string? ConnectionString { get; set; }

    [Parameter(ParameterSetName = ServerSet)]
    [Parameter(ParameterSetName = ConnectionStringSet)]
    [ValidateRange(1, 3600)]
    public int ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>How long a statement may run before it is stopped with an error, on every kind of connection; 0 means no limit.</summary>
    [Parameter]
    [ValidateRange(0, 86400)]
    public int QueryTimeoutSeconds { get; set; } = (int)EmbeddedSource.DefaultQueryTimeout.TotalSeconds;

    /// <summary>A PostHog project, read through PostHog's query API (PostHog Cloud or a self-hosted PostHog).</summary>
    [Parameter(ParameterSetName = PostHogSet, Mandatory = true)]
    [ValidateRange(1, long.MaxValue)]
    [Alias("Project")]
    public long? ProjectId { get; set; }

    /// <summary>A personal API key with the scopes query:read and llm_analytics:read; defaults to $env:POSTHOG_PERSONAL_API_KEY.</summary>
    [Parameter(ParameterSetName = PostHogSet)]
    public System.Security.SecureString? ApiKey { get; set; }

    [Parameter(ParameterSetName = EmbeddedSet, Position = 0)]
    [ValidateNotNullOrEmpty]
    [Alias("DataPath")]
    public string? Path { get; set; }

    [Parameter(ParameterSetName = DemoSet, Mandatory = true)]
    public SwitchParameter Demo { get; set; }

    [Parameter]
    [ValidateNotNullOrEmpty]
    public string Table { get; set; } = EventsTable.Default.Name;

    [Parameter]
    [ValidateRange(1, long.MaxValue)]
    public long? TeamId { get; set; }

    [Parameter]
    public Uri? PostHogHost { get; set; }

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord() => Connect();

    // A failed connect never leaves commands on another folder: the previous connection stays, said here, or there is none.
    protected override void BeforeTerminating(ErrorRecord record)
    {
        var attempted = ParameterSetName switch
        {
            ServerSet or ConnectionStringSet => "to a ClickHouse server",
            PostHogSet => $"to PostHog project {ProjectId}",
            DemoSet => "to the demo data",
            _ => "to a data folder",
        };
        if (ConnectionRegistry.ConnectFailed(attempted) is { } kept) Warn($"The connection did not change: commands still use {kept}.");
    }

    private void Connect()
    {
        if (PostHogHost is { IsAbsoluteUri: false } or { Scheme: not ("http" or "https") })
            Terminate(ErrorMapper.Refusal(ErrorKinds.InvalidPostHogHost, PostHogHost,
                $"'{PostHogHost}' is not a web address. Pass the PostHog address users open in a browser, such as https://eu.posthog.com."));
        if (ParameterSetName is ServerSet or ConnectionStringSet)
        {
            ConnectToServer();
            return;
        }
        if (ParameterSetName == PostHogSet)
        {
            ConnectToPostHog();
            return;
        }

        var demo = Demo.IsPresent;
        var path = demo ? EmbeddedSource.DemoDataPath : Path is null ? EmbeddedSource.DefaultDataPath : GetUnresolvedProviderPathFromPSPath(Path);

        EnsureEngine();
        var source = Guard(() => new EmbeddedSource(path, new EventsTable(Table), TimeSpan.FromSeconds(QueryTimeoutSeconds)), path);
        Open(new LlmAnalyticsConnection(source, TeamId, PostHogHost, demo), runner =>
        {
            Await(token => runner.EnsureEventsTableAsync(token), path);
            if (!demo) return;
            var progress = Progress<DemoLoadProgress>(1, "Loading demo data into " + path,
                p => (p.Status, p.Percent));
            var outcome = Await(token => DemoFolder.EnsureCurrentAsync(runner, new DemoDataOptions { TeamId = TeamId ?? 1 }, DateTime.UtcNow, progress, token), path);
            WriteVerbose(outcome switch
            {
                DemoFolder.Outcome.Loaded => $"The demo folder {path} was empty: loaded demo data.",
                DemoFolder.Outcome.Refreshed => $"The demo data in {path} was more than a day old: loaded it again, ending now.",
                _ => $"Using the demo data in {path}.",
            });
        });
    }

    // Kept apart, like ConnectToServer, so that the PostHog source (in the module's own load context) loads only when asked for.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ConnectToPostHog()
    {
        if (TeamId is not null)
            Terminate(ErrorMapper.Refusal(ErrorKinds.TeamIdNotApplicable, TeamId,
                "-TeamId does not apply to a PostHog project: PostHog reads only the project's own events. Leave it out, or pass the project to -ProjectId."));
        if (MyInvocation.BoundParameters.ContainsKey(nameof(Table)))
            Terminate(ErrorMapper.Refusal(ErrorKinds.TableNotApplicable, Table,
                "-Table does not apply to a PostHog project: PostHog's query API reads the project's own events table. Leave it out."));
        var key = ApiKey is { Length: > 0 } secure ? new System.Net.NetworkCredential(string.Empty, secure).Password : Environment.GetEnvironmentVariable(ApiKeyVariable);
        if (string.IsNullOrWhiteSpace(key))
            Terminate(ErrorMapper.Refusal(ErrorKinds.ApiKeyMissing, ProjectId,
                $"No PostHog API key: pass -ApiKey (for example -ApiKey (Read-Host -AsSecureString)) or set {ApiKeyVariable} to a personal API key with the scopes query:read and llm_analytics:read."));
        var options = new PostHog.PostHogApiOptions
        {
            Host = PostHogHost ?? PostHog.PostHogApiOptions.DefaultHost,
            ProjectId = ProjectId!.Value,
            ApiKey = key!.Trim(),
            RequestTimeout = TimeSpan.FromSeconds(QueryTimeoutSeconds),
        };
        if (options.Host.Scheme == Uri.UriSchemeHttp && !options.Host.IsLoopback)
            Warn($"{options.Host} is plain HTTP: the API key would cross the network unencrypted. Use the https:// address of your PostHog.");
        // One small query proves the host, the project and the key's query:read scope before anything else runs.
        Open(new LlmAnalyticsConnection(new PostHog.PostHogApiSource(options), null, options.Host),
            runner => Await(token => runner.QueryAsync(ConnectionQueries.TableReadable(EventsTable.Default), token), options.Location));
    }

    // Kept apart so that ClickHouse.Driver (in the module's own load context) is loaded only when a server is asked for.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private void ConnectToServer()
    {
        var defaults = new ClickHouse.ClickHouseServerOptions
        {
            Host = Server ?? "localhost",
            Port = (ushort)(Port ?? (UseTls ? 8443 : 8123)),
            UseTls = UseTls,
            Database = Database,
            User = Credential?.UserName ?? "default",
            Password = Credential?.GetNetworkCredential().Password,
            Table = Guard(() => new EventsTable(Table), Table),
            ConnectTimeout = TimeSpan.FromSeconds(ConnectTimeoutSeconds),
            QueryTimeout = TimeSpan.FromSeconds(QueryTimeoutSeconds),
        };
        // The connection string may hold a password: it never appears in a message.
        var options = ConnectionString is null ? defaults : Guard(() => ClickHouse.ClickHouseConnectionString.Parse(ConnectionString, defaults), "the connection string");
        Open(new LlmAnalyticsConnection(new ClickHouse.ClickHouseServerSource(options), TeamId, PostHogHost), runner =>
        {
            Await(token => runner.QueryAsync(ConnectionQueries.TableReadable(options.Table), token), $"{options.Table} on {options.Location}");
            if (TeamId is not null) return;
            if (Await(token => runner.SingleAsync(ConnectionQueries.RecentTeams(options.Table), token), options.Location) is var count and > 1)
                Warn($"{options.Table} on {options.Host} holds LLM events of {count} teams; every query would read all of them. Pass -TeamId to read one team's.");
        });
    }

    /// <summary>Makes the connection the session's current one once it passes its checks; one that fails them is released.</summary>
    private void Open(LlmAnalyticsConnection connection, Action<QueryRunner> check)
    {
        try
        {
            check(connection.CreateRunner(QueryObserver()));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        ConnectionRegistry.Set(connection);
        if (!PassThru) return;
        ConnectionRegistry.MarkHandedOut(connection);
        WriteObject(connection);
    }
}
