namespace LlmClusters.PostHog;

/// <summary>How to reach a PostHog project through its API (PostHog Cloud, or a self-hosted PostHog's own address).</summary>
public sealed record PostHogApiOptions
{
    public static readonly Uri DefaultHost = new("https://us.posthog.com");

    public Uri Host { get; init; } = DefaultHost;
    public required long ProjectId { get; init; }

    /// <summary>A personal API key. Sent only in the Authorization header; never written to output, logs, errors or files.</summary>
    public required string ApiKey { get; init; }

    /// <summary>How long one request may take; PostHog stops a query after 60 s on its side.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How often a request that was rate-limited, timed out or failed on the server is tried again.</summary>
    public int Retries { get; init; } = 4;

    /// <summary>The first wait between tries; it doubles, with jitter, unless PostHog says how long to wait (Retry-After).</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Rows asked for per request: HogQL's maximum, 50,000, unless a test pages with fewer.</summary>
    public int PageSize { get; init; } = Core.Queries.HogQLTranslator.MaxPageSize;

    /// <summary>Where the queries go, for messages and -Verbose: the host and project, never the key.</summary>
    public string Location => $"{Host.GetLeftPart(UriPartial.Path).TrimEnd('/')}/project/{ProjectId}";

    // A record would print every property, the key among them.
    public override string ToString() => Location;
}
