using LlmClusters.Core.Queries;

namespace LlmClusters.ClickHouse;

/// <summary>How to reach a ClickHouse server (a self-hosted PostHog's, or any holding PostHog-shaped events).</summary>
public sealed record ClickHouseServerOptions
{
    public required string Host { get; init; }
    public ushort Port { get; init; } = 8123;
    public bool UseTls { get; init; }
    public string Database { get; init; } = "default";
    public string User { get; init; } = "default";

    /// <summary>Held only as long as the connection; never written to output, logs or errors.</summary>
    public string? Password { get; init; }

    public EventsTable Table { get; init; } = EventsTable.Default;
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);
    public TimeSpan QueryTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often a read that failed on the network is tried again.</summary>
    public int Retries { get; init; } = 3;

    public string Location => $"{(UseTls ? "https" : "http")}://{User}@{Host}:{Port}/{Database}";

    // A record would print every property, the password among them.
    public override string ToString() => Location;
}
