using System.Globalization;

namespace LlmClusters.Core.Model;

/// <summary>
/// A clustering run id taken apart, as PostHog's UI does (getTimestampBoundsFromRunId, getLevelFromRunId):
/// <c>&lt;team_id&gt;_&lt;level&gt;_&lt;YYYYMMDD&gt;_&lt;HHMMSS&gt;[_&lt;job_id&gt;][_&lt;run_label&gt;]</c>, or the old
/// <c>&lt;team_id&gt;_&lt;YYYYMMDD&gt;_&lt;HHMMSS&gt;[_&lt;run_label&gt;]</c> with no level (read as trace).
/// </summary>
public sealed record ClusterRunId
{
    private ClusterRunId(string value, long teamId, ClusterLevel level, DateTime windowEnd, string? jobId, string? runLabel, bool isLegacy)
    {
        RunId = value;
        TeamId = teamId;
        Level = level;
        WindowEnd = windowEnd;
        DayStart = windowEnd.Date;
        DayEnd = windowEnd.Date.AddDays(1).AddTicks(-10);
        JobId = jobId;
        RunLabel = runLabel;
        IsLegacy = isLegacy;
    }

    public string RunId { get; }
    public long TeamId { get; }
    public ClusterLevel Level { get; }

    /// <summary>The end of the run's window, UTC: the time written in the id.</summary>
    public DateTime WindowEnd { get; }

    /// <summary>The UTC day of the id's time, which PostHog's UI bounds its query to.</summary>
    public DateTime DayStart { get; }

    public DateTime DayEnd { get; }

    /// <summary>A run's event can land after midnight of the day its id names: it is looked for this far into the next day.</summary>
    internal static readonly TimeSpan DayGrace = TimeSpan.FromHours(6);

    /// <summary>
    /// The end of the span in which the run's event is looked for, from <see cref="DayStart"/>: the one rule for where
    /// a run is, PostHog's UI's day plus <see cref="DayGrace"/>.
    /// </summary>
    internal DateTime EventSearchEnd => DayStart.AddDays(1) + DayGrace;
    public string? JobId { get; }
    public string? RunLabel { get; }
    public bool IsLegacy { get; }

    public override string ToString() => RunId;

    public static ClusterRunId Parse(string runId) =>
        TryParse(runId, out var parsed, out var problem) ? parsed : throw new FormatException(problem);

    public static bool TryParse(string? runId, out ClusterRunId parsed, out string problem)
    {
        parsed = null!;
        problem = $"'{runId}' is not a clustering run id. Run ids look like 1_trace_20260328_120000 (optionally followed by _<job id> and _<label>), or 1_20260328_120000 for old runs; list them with Get-ClusterRun.";
        if (string.IsNullOrWhiteSpace(runId)) return false;
        var parts = runId.Split('_');
        if (parts.Length < 3 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var teamId)) return false;

        var legacy = IsDate(parts[1]);
        // The level is written in lower case, as PostHog writes it; the digits of an enum value are no level.
        var level = ClusterLevel.trace;
        if (!legacy && (parts[1].Any(char.IsAsciiDigit) || !Enum.TryParse(parts[1], ignoreCase: false, out level) || !Enum.IsDefined(level))) return false;
        var at = legacy ? 1 : 2;
        if (parts.Length < at + 2 || !DateTime.TryParseExact(parts[at] + parts[at + 1], "yyyyMMddHHmmss", CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var windowEnd))
            return false;
        // The run's day and the day after it are read; a time whose next day .NET cannot hold is no run's.
        if (windowEnd.Date >= DateTime.MaxValue.Date.AddDays(-1)) return false;

        var rest = parts.Skip(at + 2).ToList();
        string? jobId = null;
        if (!legacy && rest.Count > 0 && Guid.TryParseExact(rest[0], "D", out _))
        {
            jobId = rest[0];
            rest.RemoveAt(0);
        }
        var label = rest.Count > 0 ? string.Join('_', rest) : null;
        if (label is "") return false;
        parsed = new ClusterRunId(runId, teamId, level, UtcTime.From(windowEnd), jobId, label, legacy);
        return true;
    }

    private static bool IsDate(string part) => part.Length == 8 && part.All(char.IsAsciiDigit);
}
