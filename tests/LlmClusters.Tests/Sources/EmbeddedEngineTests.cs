using System.Net;
using System.Net.Sockets;
using LlmClusters.Core.Queries;
using LlmClusters.Core.Sources;

namespace LlmClusters.Tests.Sources;

/// <summary>
/// The engine's state after every kind of failure, its time limits, cancellation, and the watchdog, on the real engine.
/// Each failure is followed by statements of other shapes, whose rows must be exactly theirs.
/// </summary>
[Collection(EngineCollectionDefinition.Name)]
public sealed class EmbeddedEngineTests(EngineFixture engine)
{
    private Task<QueryResult> Run(string sql, TimeSpan? limit = null, bool whole = false, CancellationToken token = default) =>
        engine.Source.QueryAsync(new SqlQuery("Test", sql) { TimeLimit = limit, Writes = whole }, token);

    /// <summary>Statements of several shapes whose whole results are known.</summary>
    private async Task AssertEngineAnswersExactly()
    {
        var greeting = await Run("SELECT 'hello' AS greeting");
        Assert.Equal(["greeting"], greeting.Columns.Select(c => c.Name));
        Assert.Equal("hello", Assert.Single(greeting.Rows)[0]);

        var numbers = await Run("SELECT number AS n, toString(number) AS s FROM numbers(3)");
        Assert.Equal(["n", "s"], numbers.Columns.Select(c => c.Name));
        Assert.Equal([0UL, 1UL, 2UL], numbers.Rows.Select(r => r[0]));

        var none = await Run("SELECT 1 AS one WHERE 0");
        Assert.Empty(none.Rows);
    }

    [Fact]
    public async Task A_runtime_failure_leaves_nothing_behind_for_the_next_statement()
    {
        var failure = await Assert.ThrowsAsync<AnalyticsQueryException>(() => Run("SELECT toString(throwIf(number = 3, 'boom')) AS s FROM numbers(10)"));
        Assert.Equal("FUNCTION_THROW_IF_VALUE_IS_NON_ZERO", failure.ErrorName);
        await AssertEngineAnswersExactly();

        // A failure after many blocks of output were already written.
        await Assert.ThrowsAsync<AnalyticsQueryException>(() => Run("SELECT number, throwIf(number = 100000, 'late') FROM numbers(200000) SETTINGS max_block_size = 1000"));
        await AssertEngineAnswersExactly();
    }

    [Fact]
    public async Task A_syntax_error_leaves_nothing_behind()
    {
        var failure = await Assert.ThrowsAsync<AnalyticsQueryException>(() => Run("SELEC 1"));
        Assert.Equal(62, failure.Code);
        await AssertEngineAnswersExactly();
    }

    [Fact]
    public async Task A_statement_past_its_time_limit_is_ended_by_the_engine()
    {
        var failure = await Assert.ThrowsAsync<AnalyticsQueryException>(() => Run("SELECT count() AS c FROM system.numbers", TimeSpan.FromSeconds(1)));
        Assert.Equal(159, failure.Code);
        Assert.Contains("maximum: 1000 ms", failure.Message);
        await AssertEngineAnswersExactly();
    }

    [Fact]
    public async Task The_connection_limit_applies_when_a_statement_names_none()
    {
        var limited = new EmbeddedSource(engine.DataPath, queryTimeout: TimeSpan.FromSeconds(1));
        var failure = await Assert.ThrowsAsync<AnalyticsQueryException>(() => limited.QueryAsync(new SqlQuery("Runaway", "SELECT count() FROM system.numbers"), default));
        Assert.Equal(159, failure.Code);
        // The limit is set for each statement, not left on the session.
        var unlimited = await Run("SELECT getSetting('max_execution_time') AS limit");
        Assert.Equal(300.0, Convert.ToDouble(Assert.Single(unlimited.Rows)[0]));
    }

    [Fact]
    public async Task Cancelling_stops_the_statement_in_the_engine()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var runaway = Run("SELECT count() AS c FROM system.numbers", TimeSpan.Zero, token: cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runaway);
        Assert.Null(EmbeddedEngine.StillFinishing);
        await AssertEngineAnswersExactly();
    }

    [Fact]
    public async Task A_statement_cannot_change_the_session_for_the_next()
    {
        await Run("SET session_timezone = 'Asia/Tokyo'");
        await Run("SET max_execution_time = 1");
        var row = Assert.Single((await Run("SELECT timezone() AS zone, toDateTime('2026-03-28 00:00:00') AS t, getSetting('max_execution_time') AS limit")).Rows);
        Assert.Equal("UTC", row[0]);
        Assert.Equal(new DateTime(2026, 3, 28, 0, 0, 0, DateTimeKind.Utc), row[1]);
        Assert.Equal(300.0, Convert.ToDouble(row[2]));
    }

    /// <summary>
    /// A statement the engine cannot stop: reading from a server that accepts and never answers blocks inside the engine,
    /// past its time limit and past KILL, until the read's own timeout. The tests run it whole, as the engine runs a
    /// statement that writes (INSERT ... SELECT FROM url(...) would block alike).
    /// </summary>
    private static (TcpListener Server, string Sql) SilentServerStatement(int seconds)
    {
        var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var port = ((IPEndPoint)server.LocalEndpoint).Port;
        return (server, $"SELECT * FROM url('http://127.0.0.1:{port}/x', 'TSV', 'a String') " +
                        $"SETTINGS http_receive_timeout = {seconds}, http_connection_timeout = {seconds}, http_send_timeout = {seconds}, http_max_tries = 1");
    }

    [Fact]
    public async Task The_watchdog_turns_a_statement_the_engine_does_not_end_into_an_error_and_the_engine_recovers()
    {
        var (server, sql) = SilentServerStatement(6);
        var saved = (EmbeddedEngine.Timings.WatchEvery, EmbeddedEngine.Timings.KillGrace, EmbeddedEngine.Timings.StuckGrace);
        EmbeddedEngine.Timings.WatchEvery = TimeSpan.FromMilliseconds(100);
        EmbeddedEngine.Timings.KillGrace = TimeSpan.FromMilliseconds(200);
        EmbeddedEngine.Timings.StuckGrace = TimeSpan.FromMilliseconds(500);
        try
        {
            var stuck = await Assert.ThrowsAsync<EngineNotRespondingException>(() => Run(sql, TimeSpan.FromSeconds(1), whole: true));
            Assert.Contains("has not ended", stuck.Message);
            // Until the engine returns, every statement is refused at once instead of waiting behind it.
            var refused = await Assert.ThrowsAsync<EngineNotRespondingException>(() => Run("SELECT 1"));
            Assert.Contains("Restart PowerShell", refused.Message);

            var recovered = false;
            for (var i = 0; i < 300 && !recovered; i++)
            {
                await Task.Delay(100);
                try
                {
                    await Run("SELECT 1");
                    recovered = true;
                }
                catch (EngineNotRespondingException)
                {
                }
            }
            Assert.True(recovered, "the engine answered again once the blocked statement returned");
            await AssertEngineAnswersExactly();
        }
        finally
        {
            (EmbeddedEngine.Timings.WatchEvery, EmbeddedEngine.Timings.KillGrace, EmbeddedEngine.Timings.StuckGrace) = saved;
            server.Stop();
        }
    }

    [Fact]
    public async Task A_cancelled_statement_the_engine_cannot_stop_is_reported_as_still_finishing_and_the_next_waits_for_it()
    {
        var (server, sql) = SilentServerStatement(3);
        var savedWait = EmbeddedEngine.Timings.CancelWait;
        EmbeddedEngine.Timings.CancelWait = TimeSpan.FromMilliseconds(200);
        try
        {
            using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Run(sql, TimeSpan.Zero, whole: true, token: cancel.Token));

            Assert.Contains("still finishing a stopped statement", EmbeddedEngine.StillFinishing);
            await AssertEngineAnswersExactly();
            Assert.Null(EmbeddedEngine.StillFinishing);
        }
        finally
        {
            EmbeddedEngine.Timings.CancelWait = savedWait;
            server.Stop();
        }
    }
}
