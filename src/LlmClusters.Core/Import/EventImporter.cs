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

    public async Task<ImportResult> ImportAsync(string path, CancellationToken cancellationToken)
    {
        if (runner.Source.Kind != AnalyticsSourceKind.Embedded)
            throw new ImportFailedException(path, "files are imported into the embedded store only; connect to it first (Connect-LlmAnalytics -Path <folder>).");
        var format = FormatOf(path) ?? throw new ImportFailedException(path, "it is not a .jsonl, .jsonl.gz, .json, .ndjson or .parquet file.");
        if (!File.Exists(path)) throw new ImportFailedException(path, "there is no such file.");

        await runner.EnsureEventsTableAsync(cancellationToken).ConfigureAwait(false);
        var staging = "llmclusters_import_" + Guid.NewGuid().ToString("N");
        await runner.QueryAsync(ImportQueries.CreateStaging(staging), cancellationToken).ConfigureAwait(false);
        try
        {
            try
            {
                await runner.QueryAsync(ImportQueries.StageFile(staging, path, format), cancellationToken).ConfigureAwait(false);
            }
            catch (AnalyticsQueryException e)
            {
                throw new ImportFailedException(path, e.Message, e);
            }
            var counts = await runner.QueryAsync(ImportQueries.StagedCounts(runner.Source.Table, staging), cancellationToken).ConfigureAwait(false);
            var read = Convert.ToInt64(counts.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
            var fresh = Convert.ToInt64(counts.Rows[0][1], System.Globalization.CultureInfo.InvariantCulture);
            if (fresh > 0) await runner.QueryAsync(ImportQueries.AddNewEvents(runner.Source.Table, staging), cancellationToken).ConfigureAwait(false);
            return new ImportResult(path, format, read, fresh);
        }
        finally
        {
            await runner.QueryAsync(ImportQueries.DropStaging(staging), CancellationToken.None).ConfigureAwait(false);
        }
    }
}
