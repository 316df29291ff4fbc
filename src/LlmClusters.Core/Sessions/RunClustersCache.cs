using LlmClusters.Core.Model;

namespace LlmClusters.Core.Sessions;

/// <summary>
/// A connection's memory of the runs it has read (their clusters, not their items), as read and as measured, so that
/// a pipeline that reaches the same run several times (Get-ClusterRun | Get-LlmCluster | Measure-ClusterMetrics, a
/// chain of runs compared) reads its event and measures it once. A run event does not change once written, but a run
/// can be written again and late events can arrive: what is remembered is forgotten after <see cref="Lifetime"/>, and
/// at once when the connection writes anything.
/// Written here rather than taken from Microsoft.Extensions.Caching.Memory: this assembly loads in PowerShell's default
/// context, where the module keeps no Microsoft.Extensions.* assembly (they live in its own context, deps/, so that
/// they never meet another module's versions), and a bounded, expiring dictionary is all that is needed.
/// </summary>
public sealed class RunClustersCache
{
    /// <summary>How long a run is remembered after it was read.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    /// <summary>The most runs remembered (as read and as measured count apart); the least recently used go first.</summary>
    public const int Capacity = 64;

    private readonly object _gate = new();
    private readonly Dictionary<(string RunId, bool Measured), LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recent = new();
    private readonly TimeProvider _clock;

    public RunClustersCache(TimeProvider? clock = null) => _clock = clock ?? TimeProvider.System;

    /// <param name="runId">The run.</param>
    /// <param name="measured">The run with its clusters' metrics filled in (ClusterMetricsReader.FillMetricsAsync), rather than as read.</param>
    /// <param name="run">A copy of what was remembered.</param>
    public bool TryGet(ClusterRunId runId, bool measured, out RunClusters run)
    {
        run = null!;
        lock (_gate)
        {
            if (!_entries.TryGetValue((runId.RunId, measured), out var node)) return false;
            if (_clock.GetUtcNow() - node.Value.ReadAt > Lifetime)
            {
                Forget(node);
                return false;
            }
            _recent.Remove(node);
            _recent.AddFirst(node);
            run = node.Value.Run;
        }
        // Copies: PowerShell keeps members a user adds to an object with the object, and a remembered object is not
        // for one command to change under the next.
        run = run with { Run = run.Run with { }, Clusters = [.. run.Clusters.Select(c => c with { })] };
        return true;
    }

    /// <summary>
    /// The run from memory (and <paramref name="remembered"/> told so, for -Verbose), else read by
    /// <paramref name="read"/> and remembered.
    /// </summary>
    public async Task<RunClusters> GetOrReadAsync(ClusterRunId runId, bool measured, Action<string> remembered, Func<Task<RunClusters>> read)
    {
        if (TryGet(runId, measured, out var run))
        {
            remembered($"{runId.RunId}: its clusters were {(measured ? "measured" : "read")} earlier in this session; taken from memory " +
                              $"(kept up to {Lifetime.TotalMinutes:0} minutes, and forgotten when the connection writes).");
            return run;
        }
        run = await read().ConfigureAwait(false);
        Remember(run, measured);
        return run;
    }

    public void Remember(RunClusters run, bool measured)
    {
        var key = (run.Run.RunId, measured);
        lock (_gate)
        {
            if (_entries.TryGetValue(key, out var old)) Forget(old);
            // A run read again may have been written again: what was measured of the earlier read no longer holds.
            if (!measured && _entries.TryGetValue((run.Run.RunId, true), out var figures)) Forget(figures);
            _entries[key] = _recent.AddFirst(new Entry(key, run, _clock.GetUtcNow()));
            while (_entries.Count > Capacity) Forget(_recent.Last!);
        }
    }

    /// <summary>Forgets every run (the connection wrote something, which may be a run read before).</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _entries.Clear();
            _recent.Clear();
        }
    }

    private void Forget(LinkedListNode<Entry> node)
    {
        _entries.Remove(node.Value.Key);
        _recent.Remove(node);
    }

    private sealed record Entry((string RunId, bool Measured) Key, RunClusters Run, DateTimeOffset ReadAt);
}
