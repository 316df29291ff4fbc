using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Sources;

[Collection(EngineCollectionDefinition.Name)]
public sealed class EmbeddedSourceTests(EngineFixture engine)
{
    private static Task<QueryResult> Run(IAnalyticsSource source, SqlQuery query) =>
        source.QueryAsync(query, CancellationToken.None);

    [Fact]
    public async Task A_result_of_many_chunks_arrives_whole_and_in_order_and_an_empty_one_is_empty()
    {
        long count = 0, expected = 0;
        await foreach (var row in engine.Source.ReadAsync(new SqlQuery("Numbers", "SELECT number, toString(number) AS s FROM numbers(1000000)"), CancellationToken.None))
        {
            Assert.Equal(expected, Convert.ToInt64(row.Values[0]));
            Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), row["s"]);
            expected++;
            count++;
        }
        Assert.Equal(1_000_000, count);
        Assert.Empty((await Run(engine.Source, new SqlQuery("Nothing", "SELECT 1 AS one WHERE 0"))).Rows);
        Assert.Equal(1, Convert.ToInt32((await Run(engine.Source, new SqlQuery("One", "SELECT 1 AS one"))).Rows.Single()[0]));
    }

    [Fact]
    public async Task Round_trip_returns_typed_values()
    {
        var result = await Run(engine.Source, new SqlQuery("Types", """
            SELECT toInt64(42) AS i, toUInt64(18446744073709551615) AS u, 1.5 AS f, 'text' AS s, true AS b,
                   toDateTime64('2026-03-28 10:00:00.123456', 6, 'UTC') AS t, toUUID('00000000-0000-4000-8000-000000000001') AS id,
                   [1, 2, 3] AS a, CAST(NULL, 'Nullable(String)') AS n, toDate('2026-03-28') AS d
            """));

        Assert.Equal(["i", "u", "f", "s", "b", "t", "id", "a", "n", "d"], result.Columns.Select(c => c.Name));
        var row = Assert.Single(result.Rows);
        Assert.Equal(42L, row[0]);
        Assert.Equal(ulong.MaxValue, row[1]);
        Assert.Equal(1.5, row[2]);
        Assert.Equal("text", row[3]);
        Assert.Equal(true, row[4]);
        Assert.Equal(new DateTime(2026, 3, 28, 10, 0, 0, DateTimeKind.Utc).AddTicks(1234560), row[5]);
        Assert.Equal(DateTimeKind.Utc, ((DateTime)row[5]!).Kind);
        Assert.Equal(Guid.Parse("00000000-0000-4000-8000-000000000001"), row[6]);
        Assert.Equal(new object?[] { 1, 2, 3 }, (object?[])row[7]!);
        Assert.Null(row[8]);
        Assert.Equal(new DateTime(2026, 3, 28), row[9]);
    }

    [Theory]
    [InlineData("O'Hara")]
    [InlineData("back\\slash and \\n not a newline")]
    [InlineData("'; DROP TABLE events; --")]
    [InlineData("tab\tnew\nline \"quoted\" {x:String} ünïcødé 東京")]
    public async Task Bound_string_comes_back_unchanged(string value)
    {
        var query = new SqlQuery("Echo", "SELECT {value:String} AS v, length({value:String}) AS bytes",
            new Dictionary<string, object?> { ["value"] = value });

        var row = Assert.Single((await Run(engine.Source, query)).Rows);

        Assert.Equal(value, row[0]);
        Assert.Equal((long)System.Text.Encoding.UTF8.GetByteCount(value), Convert.ToInt64(row[1]));
        Assert.DoesNotContain(value, query.Text);
    }

    [Fact]
    public async Task Bound_array_datetime_and_number_parameters_have_their_types()
    {
        var when = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(60);
        var query = new SqlQuery("Typed", """
            SELECT has({ids:Array(String)}, 'b''c') AS found, {when:DateTime64(6, 'UTC')} AS at, {n:Int64} * 2 AS twice
            """, new Dictionary<string, object?> { ["ids"] = new[] { "a", "b'c" }, ["when"] = when, ["n"] = 21L });

        var row = Assert.Single((await Run(engine.Source, query)).Rows);

        Assert.Equal(1, row[0]);
        Assert.Equal(when, row[1]);
        Assert.Equal(42L, row[2]);
    }

    [Fact]
    public async Task Syntax_error_keeps_clickhouse_code_and_name()
    {
        var error = await Assert.ThrowsAsync<AnalyticsQueryException>(() => Run(engine.Source, new SqlQuery("Broken", "SELEC 1")));

        Assert.Equal(62, error.Code);
        Assert.Equal("SYNTAX_ERROR", error.ErrorName);
        Assert.Equal("Broken", error.QueryName);
        Assert.Contains("Syntax error", error.Message);
        Assert.DoesNotContain("Code: 62", error.Message);
    }

    [Fact]
    public async Task Unknown_table_is_error_60()
    {
        var error = await Assert.ThrowsAsync<AnalyticsQueryException>(() => Run(engine.Source, new SqlQuery("Missing", "SELECT * FROM no_such_table_here")));

        Assert.Equal(60, error.Code);
        Assert.Equal("UNKNOWN_TABLE", error.ErrorName);
    }

    [Fact]
    public async Task Events_table_is_created_in_posthog_shape_and_takes_rows()
    {
        using var source = engine.NewTable("shape");
        var runner = new QueryRunner(source);
        await runner.EnsureEventsTableAsync(CancellationToken.None);
        await runner.EnsureEventsTableAsync(CancellationToken.None); // a second time is harmless

        var columns = (await Run(source, new SqlQuery("Describe", $"SELECT name, type FROM system.columns WHERE table = {{t:String}} ORDER BY position",
            new Dictionary<string, object?> { ["t"] = source.Table.Name }))).Rows.ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        Assert.Equal("UUID", columns["uuid"]);
        Assert.Equal("String", columns["event"]);
        Assert.Equal("String", columns["properties"]);
        Assert.Equal("DateTime64(6, 'UTC')", columns["timestamp"]);
        Assert.Equal("Int64", columns["team_id"]);
        Assert.Equal("String", columns["distinct_id"]);

        await runner.InsertJsonRowsAsync(["""{"uuid":"00000000-0000-4000-8000-00000000000a","event":"$ai_generation","properties":"{\"$ai_model\":\"gpt-4o\"}","timestamp":"2026-03-28 10:00:00.000001","team_id":7,"distinct_id":"u1"}"""],
            CancellationToken.None);
        var row = Assert.Single((await Run(source, new SqlQuery("Read", $"SELECT JSONExtractString(properties, '$ai_model'), team_id FROM {source.Table.Quoted}"))).Rows);
        Assert.Equal("gpt-4o", row[0]);
        Assert.Equal(7L, row[1]);
    }

    [Fact]
    public void A_file_is_not_a_data_folder()
    {
        var file = Path.GetTempFileName();
        try
        {
            var error = Assert.Throws<InvalidDataFolderException>(() => new EmbeddedSource(file));
            Assert.Contains("is a file", error.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void An_unwritable_folder_is_refused()
    {
        var error = Assert.Throws<InvalidDataFolderException>(() => new EmbeddedSource("/proc/llmclusters-cannot-be-here"));
        Assert.Contains("cannot be created or written", error.Message);
    }

    [Fact]
    public async Task A_statement_that_needs_the_engine_while_a_result_is_read_slowly_runs_and_the_result_reads_on_from_memory()
    {
        var source = engine.Source;
        await using var rows = source.ReadAsync(new SqlQuery("SlowlyRead", "SELECT number FROM numbers(600000)"), CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await rows.MoveNextAsync());   // the engine now waits for this reader to take the next chunks

        var other = source.QueryAsync(new SqlQuery("Other", "SELECT 42 AS answer"), CancellationToken.None);
        Assert.Same(other, await Task.WhenAny(other, Task.Delay(TimeSpan.FromMinutes(1))));
        Assert.Equal(42, Convert.ToInt32((await other).Rows[0][0]));

        long count = 1, previous = Convert.ToInt64(rows.Current.Values[0]);
        while (await rows.MoveNextAsync())
        {
            var number = Convert.ToInt64(rows.Current.Values[0]);
            Assert.Equal(previous + 1, number);
            previous = number;
            count++;
        }
        Assert.Equal(600_000, count);
    }

    [Fact]
    public async Task A_result_too_large_to_set_aside_fails_with_what_to_do_and_the_other_statement_runs()
    {
        var source = engine.Source;
        var saved = EmbeddedEngine.SetAsideLimit;
        EmbeddedEngine.SetAsideLimit = 64 * 1024;
        try
        {
            await using var rows = source.ReadAsync(new SqlQuery("SlowlyRead", "SELECT number FROM numbers(1000000)"), CancellationToken.None).GetAsyncEnumerator();
            Assert.True(await rows.MoveNextAsync());

            var other = source.QueryAsync(new SqlQuery("Other", "SELECT 42 AS answer"), CancellationToken.None);
            Assert.Same(other, await Task.WhenAny(other, Task.Delay(TimeSpan.FromMinutes(1))));

            var error = await Assert.ThrowsAsync<AnalyticsQueryException>(async () => { while (await rows.MoveNextAsync()) { } });
            Assert.Contains("Collect the result first", error.Message);
        }
        finally
        {
            EmbeddedEngine.SetAsideLimit = saved;
        }
    }
}
