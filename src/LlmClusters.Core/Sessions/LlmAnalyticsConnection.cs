using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Sessions;

/// <summary>Where the module's queries run: what <c>Connect-LlmAnalytics</c> makes and every other cmdlet takes as -Connection.</summary>
public sealed class LlmAnalyticsConnection : IDisposable
{
    public static readonly Uri DefaultPostHogHost = new("https://us.posthog.com");

    public LlmAnalyticsConnection(IAnalyticsSource source, long? teamId = null, Uri? postHogHost = null, bool isDemo = false)
    {
        AnalyticsSource = source;
        TeamId = teamId;
        PostHogHost = postHogHost ?? DefaultPostHogHost;
        IsDemo = isDemo;
        ConnectedAt = DateTime.UtcNow;
    }

    public AnalyticsSourceKind Source => AnalyticsSource.Kind;

    /// <summary>The data folder, server or project the queries go to; never holds a secret.</summary>
    public string Location => AnalyticsSource.Location;

    public string Table => AnalyticsSource.Table.Name;

    /// <summary>The PostHog team (project) whose events are read; null reads every team in the table.</summary>
    public long? TeamId { get; }

    /// <summary>The PostHog web address that UiUrl links point to.</summary>
    public Uri PostHogHost { get; }

    public bool IsDemo { get; }
    public DateTime ConnectedAt { get; }

    internal IAnalyticsSource AnalyticsSource { get; }

    /// <summary>The runs this connection has read, remembered for a while (see <see cref="RunClustersCache"/>).</summary>
    internal RunClustersCache Runs { get; } = new();

    /// <summary>
    /// Whether the user holds this connection (Connect-LlmAnalytics -PassThru wrote it), so that making another one
    /// current, disconnecting or closing the runspace leaves it open for a later -Connection.
    /// </summary>
    internal bool HandedOut { get; set; }

    /// <summary>A runner on this connection's source; anything it writes makes the connection forget the runs it read.</summary>
    public QueryRunner CreateRunner(IQueryObserver? observer) => new(AnalyticsSource, observer, Runs.Clear);

    public override string ToString() => $"{Source}: {Location}";

    public void Dispose() => AnalyticsSource.Dispose();
}
