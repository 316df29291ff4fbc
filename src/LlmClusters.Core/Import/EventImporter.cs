using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Import;

/// <summary>Imports PostHog batch-export files into the embedded store, adding only events it does not hold yet.</summary>
public sealed class EventImporter(QueryRunner runner)
{
    /// <summary>The format file() reads a path in, from its name; null for what batch exports do not write.</summary>
    public static string? FormatOf(string path)
    {
        var name = path.ToLowerInvariant();
        if (name.EndsWith(".gz", StringComparison.Ordinal)) name = name[..^3];
        return name switch
        {
            _ when name.EndsWith(".jsonl", StringComparison.Ordinal) || name.EndsWith(".ndjson", StringComparison.Ordinal) || name.EndsWith(".json", StringComparison.Ordinal) => "JSONEachRow",
            _ when name.EndsWith(".parquet", StringComparison.Ordinal) && !path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) => "Parquet",
            _ => null,
        };
    }

    /// <summary>
    /// Imports one file. Cancelling while the file is read and checked adds nothing; once its events are being added,
    /// the import completes, so that a file is never half added.
    /// </summary>
    public async Task<ImportResult> ImportAsync(string path, ImportOptions options, CancellationToken cancellationToken)
    {
        if (!runner.Source.AcceptsImports)
            throw new ImportFailedException(path, "files are imported into the embedded store only; connect to it first (Connect-LlmAnalytics -Path <folder>).");
        if (runner.Source.IsReadOnly) throw new ImportFailedException(path, runner.Source.WriteRefused().Message);
        var format = FormatOf(path) ?? throw new ImportFailedException(path, "it is not a .jsonl, .jsonl.gz, .json, .ndjson or .parquet file.");
        if (!File.Exists(path)) throw new ImportFailedException(path, "there is no such file.");

        await runner.EnsureEventsTableAsync(cancellationToken).ConfigureAwait(false);
        var staging = "llmclusters_import_" + Guid.NewGuid().ToString("N");
        using var readable = new GlobFreePath(path);
        await runner.QueryAsync(ImportQueries.CreateStaging(staging), cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                await runner.QueryAsync(ImportQueries.StageFile(staging, readable.Path, format), cancellationToken).ConfigureAwait(false);
            }
            catch (AnalyticsQueryException e)
            {
                throw new ImportFailedException(path, e.Message, e);
            }
            var summary = await runner.SingleAsync(ImportQueries.StagedSummary(runner.Source.Table, staging, options.DeriveMissingUuid), cancellationToken).ConfigureAwait(false);
            var where = format == "Parquet" ? "row" : "line";
            if (summary.WithoutTimestamp is > 0 and var noTime)
                throw new ImportFailedException(path, $"{Events(noTime)} no timestamp (the first on {where} {summary.FirstWithoutTimestamp}), so they cannot be placed in time. " +
                                                      "PostHog's exports always write one: check how the file was made.");
            if (summary.WithoutUuid is > 0 and var noUuid && !options.DeriveMissingUuid)
                throw new ImportFailedException(path, $"{Events(noUuid)} no uuid (the first on {where} {summary.FirstWithoutUuid}), so they cannot be told apart or added once. " +
                                                      "Pass -DeriveMissingUuid to give each one a uuid made from its content.");

            // Past this point the events are added whole: Ctrl+C during the read above added nothing.
            cancellationToken.ThrowIfCancellationRequested();
            var fresh = summary.Fresh;
            // The content first, as the store is written (EmbeddedSource): a reader that finds an event finds its content.
            await runner.QueryAsync(ImportQueries.AddNewContent(runner.Source.Table, staging, options.DeriveMissingUuid, options.TeamId ?? 0), CancellationToken.None).ConfigureAwait(false);
            if (fresh > 0)
                await runner.QueryAsync(ImportQueries.AddNewEvents(runner.Source.Table, staging, options.DeriveMissingUuid, options.TeamId ?? 0), CancellationToken.None).ConfigureAwait(false);
            var teams = summary.Teams.ToList();
            var withoutTeam = summary.WithoutTeam;
            if (withoutTeam > 0) teams = teams.Append(options.TeamId ?? 0).Distinct().Order().ToList();
            return new ImportResult(path, format, summary.Staged, fresh)
            {
                UuidsDerived = options.DeriveMissingUuid ? summary.WithoutUuid : 0,
                EventsWithoutTeam = withoutTeam,
                Teams = teams,
            };
        }
        finally
        {
            await runner.QueryAsync(ImportQueries.DropStaging(staging), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private static string Events(long? count) => count == 1 ? "1 event has" : $"{count:N0} events have";
}
