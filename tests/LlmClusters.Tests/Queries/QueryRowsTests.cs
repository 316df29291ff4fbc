using LlmClusters.Core.Model;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Queries;

/// <summary>
/// Every named query of the catalog, run on the demo data, with each of its rows read by the reader written beside
/// its SQL (<see cref="SqlQuery{TRow}"/>): a column renamed in the SQL but not in its reader, or read as the wrong
/// type, fails here. Each named query must return rows in at least one of its shapes, so that its reader really runs.
/// </summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class QueryRowsTests(EngineFixture engine)
{
    // Queries that return no rows by design.
    private static readonly string[] WithoutRows = [nameof(ConnectionQueries.TableReadable)];

    [Fact]
    public async Task Every_query_returns_rows_that_its_reader_reads()
    {
        var data = engine.DemoData;
        var traceRun = data.Runs.Where(r => r.Level == ClusterLevel.trace && !r.IsLegacy).MaxBy(r => r.WindowEnd)!;
        var generationRun = data.Runs.Where(r => r.Level == ClusterLevel.generation).MaxBy(r => r.WindowEnd)!;
        var failing = data.Traces.SelectMany(t => t.Events).First(e => e.IsError && e.Model is not null && e.Timestamp >= traceRun.WindowStart);
        var subjects = new QueryCatalog.Subjects(
            traceRun.WindowStart, traceRun.WindowEnd, ClusterRunId.Parse(traceRun.RunId), ClusterRunId.Parse(generationRun.RunId),
            // A run compared with itself shares every item, so the comparison has rows to read.
            ClusterRunId.Parse(traceRun.RunId),
            data.Traces.Where(t => t.Start >= traceRun.WindowStart && t.Start < traceRun.WindowEnd).Take(5).Select(t => t.TraceId).ToList(),
            traceRun.Clusters.SelectMany(c => c.ItemKeys.Take(3).Select(i => (c.ClusterId, i))).ToList(),
            failing.Model!,
            generationRun.Clusters.SelectMany(c => c.ItemKeys.Take(5)).ToList(),
            data.Runs.Single(r => r.Level == ClusterLevel.evaluation).Clusters.SelectMany(c => c.ItemKeys.Take(3)).ToList());
        var runner = engine.DemoConnection().CreateRunner(null);
        var read = typeof(QueryRowsTests).GetMethod(nameof(ReadAllAsync), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!;

        var rowsByQuery = new Dictionary<string, int>();
        // As the store is laid out (PostHog's property columns), and as a table with only properties is read.
        var described = await runner.DescribedTableAsync(CancellationToken.None);
        Assert.Equal(PropertyColumns.All, described.Columns);
        foreach (var table in new[] { described, described with { Columns = PropertyColumns.None } })
            foreach (var (shape, query) in QueryCatalog.Every(table, subjects))
            {
                var rowType = query.GetType().IsGenericType ? query.GetType().GetGenericArguments()[0] : null;
                if (rowType is null)
                {
                    Assert.True(WithoutRows.Contains(query.Name), $"{shape} ({query.Name}) has no reader: give it a row type beside its SQL.");
                    continue;
                }
                var rows = await (Task<int>)read.MakeGenericMethod(rowType).Invoke(null, [runner, query])!;
                rowsByQuery[$"{query.Name} ({table.Columns})"] = rowsByQuery.GetValueOrDefault($"{query.Name} ({table.Columns})") + rows;
            }
        Assert.Empty(rowsByQuery.Where(q => q.Value == 0).Select(q => q.Key));
        Assert.True(rowsByQuery.Count >= 34, $"only {rowsByQuery.Count} named queries were read: {string.Join(", ", rowsByQuery.Keys)}");
    }

    [Fact]
    public async Task A_column_the_reader_names_but_the_query_lacks_is_an_error_that_names_the_query()
    {
        var renamed = new SqlQuery<long>("Renamed", "SELECT 1 AS items_counted", SqlQuery.NoParameters, r => r.GetInt64("item_count") ?? 0);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => new QueryRunner(engine.Source).ListAsync(renamed, CancellationToken.None));

        Assert.Contains("Renamed", error.Message);
        Assert.Contains("item_count", error.Message);
    }

    private static async Task<int> ReadAllAsync<TRow>(QueryRunner runner, SqlQuery<TRow> query) =>
        (await runner.ListAsync(query, CancellationToken.None)).Count;
}
