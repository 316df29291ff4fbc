using System.Diagnostics;
using System.Text.Json.Nodes;

namespace LlmClusters.Tests.Sources;

/// <summary>
/// PostHog's own HogQL parser and function table (tests/hogql/check.mjs, on node), asked about each query the PostHog
/// stand-in receives, so that the stand-in refuses what PostHog refuses. One node process for the test process,
/// asked one query at a time.
/// </summary>
public static class HogQLChecker
{
    private static readonly object Gate = new();
    private static Process? _node;
    private static long _next;

    /// <summary>Null when PostHog would accept the query; otherwise PostHog's words for why not.</summary>
    public static string? Refusal(string hogql)
    {
        lock (Gate)
        {
            var node = _node is { HasExited: false } running ? running : _node = Start();
            var id = ++_next;
            node.StandardInput.WriteLine(new JsonObject { ["id"] = id, ["query"] = hogql }.ToJsonString());
            node.StandardInput.Flush();
            var line = node.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The HogQL checker stopped: " + node.StandardError.ReadToEnd());
            var answer = JsonNode.Parse(line)!;
            if ((long?)answer["id"] != id) throw new InvalidOperationException("The HogQL checker answered another question: " + line);
            return (bool?)answer["ok"] == true ? null : (string?)answer["detail"] ?? "refused";
        }
    }

    private static Process Start()
    {
        var script = Locate();
        var info = new ProcessStartInfo("node") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(script);
        var process = Process.Start(info) ?? throw new InvalidOperationException("node could not be started for the HogQL checker.");
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { process.StandardInput.Close(); process.WaitForExit(2000); } catch (InvalidOperationException) { }
        };
        return process;
    }

    /// <summary>tests/hogql/check.mjs; its packages must be installed (build.ps1 does).</summary>
    private static string Locate()
    {
        var script = Repository.File(Path.Combine("tests", "hogql", "check.mjs"));
        if (!Directory.Exists(Path.Combine(Path.GetDirectoryName(script)!, "node_modules", "@posthog", "hogql-parser")))
            throw new InvalidOperationException($"PostHog's HogQL parser is not installed beside {script}: run 'npm ci' in tests/hogql (build.ps1 Test does).");
        return script;
    }
}
