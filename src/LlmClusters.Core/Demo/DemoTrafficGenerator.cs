using System.Globalization;
using System.Text.Json;
using LlmClusters.Core.Sources;

namespace LlmClusters.Core.Demo;

/// <summary>
/// Makes the traffic: $ai_trace roots with their $ai_generation, $ai_span and $ai_embedding events. Values come in
/// every form PostHog receives (numbers, numeric strings, "true" strings, missing and null), as real SDKs send them.
/// Generations are as large as real ones: the system message carries retrieved context of a heavy-tailed length
/// (median about 2.5 KB, up to 100 KB) and some carry tool definitions ($ai_tools), as SDKs write whole conversations.
/// Failures and figures follow PostHog's Node SDK (tests/sdk/make-fixture.mjs shows what it writes): $ai_is_error only
/// on failures, $ai_error as the JSON of the thrown error with PostHog's $ai_error_normalized beside it, the failure
/// flagged on the failing step and on the root, usage objects, cache tokens, stop reasons and time to first token.
/// </summary>
internal sealed class DemoTrafficGenerator(DemoDataOptions options, DemoRandom random)
{
    private static readonly DemoModel Embedding = new("openai", "text-embedding-3-small", 0.00002, 0, 1);

    /// <summary>The median length of a generation's retrieved context, and the longest, in characters (ASCII: bytes too).</summary>
    public const int ContextMedianLength = 2_500, ContextMaxLength = 100_000;

    // Sizes draw from a stream of their own, so that every other generated value is the same with or without them.
    private readonly DemoRandom _sizes = new(unchecked(options.Seed * 7919 + 104_729));

    // So do the SDKs' extra figures (usage objects, cache tokens, stop reasons, time to first token).
    private readonly DemoRandom _sdk = new(unchecked(options.Seed * 6271 + 15_485_863));

    // And the summaries PostHog's summarizer writes of some traces.
    private readonly DemoRandom _summaries = new(unchecked(options.Seed * 3571 + 2_750_159));

    // And the evaluations PostHog's evaluators write of some generations.
    private readonly DemoEvaluator _evaluator = new(options);

    /// <summary>The share of traces PostHog's summarizer writes up (in the demo; PostHog's takes 15 an hour per job).</summary>
    public const double SummarizedShare = 0.6;

    // What retrieved context reads like: the catalog's own answers, which never reach an item's clustering text
    // (that reads the user's and the assistant's lines, not the system message).
    private static readonly string[] ContextSentences = DemoTrafficCatalog.Kinds.SelectMany(k => k.Answers).Distinct().ToArray();

    /// <summary>The traces in the order they are made (callers sort them by start, as the runs read them).</summary>
    public IEnumerable<DemoTrace> Traces()
    {
        var users = Math.Max(20, options.TraceCount / 4);
        var span = TimeSpan.FromDays(options.Days);
        for (var i = 0; i < options.TraceCount; i++)
        {
            var kind = random.PickWeighted(DemoTrafficCatalog.Kinds, k => k.Share);
            var start = options.End - span + TimeSpan.FromTicks((long)(random.Unit() * (span.Ticks - TimeSpan.TicksPerMinute)));
            start = new DateTime(start.Ticks - start.Ticks % 10, DateTimeKind.Utc); // microseconds, as the column stores
            var distinctId = "user_" + random.Between(1, users).ToString(CultureInfo.InvariantCulture);
            yield return MakeTrace(kind, start, distinctId);
        }
    }

    private DemoTrace MakeTrace(DemoTrafficKind kind, DateTime start, string distinctId)
    {
        var traceId = random.Uuid().ToString("D");
        var failing = random.Chance(kind.ErrorRate);
        var model = random.PickWeighted(kind.Models, m => m.Weight);
        var prompt = Fill(random.Pick(kind.Prompts), kind);
        var answer = random.Pick(kind.Answers);
        var error = random.Pick(kind.ErrorMessages);

        var steps = new List<(string Event, string? ParentSpan)>();
        var spanNames = kind.SpanNames.Where(_ => random.Chance(0.75)).ToList();
        foreach (var s in spanNames) steps.Add(("$ai_span:" + s, null));
        if (kind.UsesEmbedding) steps.Insert(0, ("$ai_embedding", null));
        var generations = random.Between(kind.Generations.Min, kind.Generations.Max);
        for (var g = 0; g < generations; g++) steps.Add(("$ai_generation", null));
        var failingStep = failing ? random.Between(0, steps.Count - 1) : -1;

        var events = new List<DemoEvent>(steps.Count + 1);
        var clock = start.AddMilliseconds(random.Between(5, 40));
        var totalLatency = 0.0;
        var spanIds = new List<string>();
        // The failure as the SDK writes it: a tool's own error, or the provider's API error with its status.
        string? failure = null;
        for (var i = 0; i < steps.Count; i++)
        {
            var isError = i == failingStep;
            var name = steps[i].Event;
            DemoEvent e;
            if (name.StartsWith("$ai_span:", StringComparison.Ordinal))
            {
                var spanId = random.Uuid().ToString("D");
                spanIds.Add(spanId);
                if (isError) failure = SdkError(error, null, null);
                e = Span(traceId, spanId, name["$ai_span:".Length..], clock, distinctId, isError, isError ? failure : null, prompt);
            }
            else if (name == "$ai_embedding")
            {
                e = EmbeddingEvent(traceId, clock, distinctId, prompt);
            }
            else
            {
                var parent = spanIds.Count > 0 && random.Chance(0.5) ? random.Pick(spanIds) : traceId;
                if (isError) failure = SdkError(error, kind.ErrorHttpStatus, model.Provider);
                e = Generation(kind, model, traceId, parent, clock, distinctId, prompt, answer, generations, isError ? failure : null);
            }
            events.Add(e);
            totalLatency += e.Latency;
            clock = clock.AddTicks((long)(Math.Max(e.Latency, 0.01) * TimeSpan.TicksPerSecond) / 10 * 10);
        }

        var properties = EventJson.Properties(w =>
        {
            w.WriteString("$ai_trace_id", traceId);
            if (random.Chance(0.8)) w.WriteString("$ai_trace_name", kind.TraceName);
            else w.WriteString("$ai_span_name", kind.TraceName);
            w.WriteStartObject("$ai_input_state");
            w.WriteString("question", prompt);
            w.WriteEndObject();
            w.WriteStartObject("$ai_output_state");
            if (failing) w.WriteNull("answer");
            else w.WriteString("answer", answer);
            w.WriteEndObject();
            WriteNumber(w, "$ai_latency", Math.Round(totalLatency, 3));
            WriteFlag(w, "$ai_is_error", failing);
            if (failing) WriteError(w, failure ?? SdkError(error, null, null));
        });
        var rootUuid = random.Uuid();
        events.Insert(0, new DemoEvent(rootUuid, "$ai_trace", start, traceId, null, 0, totalLatency, 0, 0, failing,
            EventJson.Row(rootUuid, "$ai_trace", properties, start, options.TeamId, distinctId)));
        var trace = new DemoTrace(traceId, kind, start, events);
        trace = _evaluator.Evaluate(trace, failing);
        return _summaries.Chance(SummarizedShare) ? Summarized(trace, prompt, model, failing ? error : null) : trace;
    }

    /// <summary>
    /// The trace with the summaries PostHog's summarizer writes (summarize_and_save.py): one $ai_trace_summary, and one
    /// $ai_generation_summary of its first generation, twenty minutes after its last event, with bullets and notes as
    /// arrays of {"text", "line_refs"}.
    /// </summary>
    private DemoTrace Summarized(DemoTrace trace, string prompt, DemoModel model, string? failure)
    {
        var written = trace.Events.Max(e => e.Timestamp).AddMinutes(20);
        var generations = trace.Events.Where(e => e.Event == "$ai_generation").ToList();
        var title = $"{trace.Kind.ClusterTitle}: {(prompt.Length <= 60 ? prompt : prompt[..59] + "…")}";
        string[] bullets =
        [
            "The user asks: " + prompt,
            $"{generations.Count} generation{(generations.Count == 1 ? "" : "s")} by {model.Name}",
            failure is null ? "The assistant answers in full." : "The trace fails: " + failure,
        ];
        string[] notes = failure is null ? [] : ["The failure reaches the user: no answer is given."];
        var rows = new List<string> { SummaryRow("$ai_trace_summary", trace, null, title, bullets, notes, written, "trace_summary_") };
        if (generations.Count > 0)
            rows.Add(SummaryRow("$ai_generation_summary", trace, generations[0].Uuid.ToString("D"), $"{trace.Kind.ClusterTitle}: the first answer",
                ["Answers: " + prompt], [], written, "generation_summary_"));
        return trace with { SummaryTitle = title, SummaryRows = rows, SummaryCount = rows.Count };
    }

    private string SummaryRow(string eventName, DemoTrace trace, string? generationId, string title, string[] bullets, string[] notes, DateTime written, string distinctPrefix)
    {
        var properties = EventJson.Properties(w =>
        {
            if (generationId is not null) w.WriteString("$ai_generation_id", generationId);
            w.WriteString("$ai_trace_id", trace.TraceId);
            w.WriteString("$ai_summary_mode", "detailed");
            w.WriteString("$ai_summary_title", title);
            w.WriteString("$ai_summary_flow_diagram", "User → " + trace.Kind.TraceName + (generationId is null ? " → Answer" : ""));
            Lines(w, "$ai_summary_bullets", bullets);
            Lines(w, "$ai_summary_interesting_notes", notes);
            w.WriteNumber("$ai_text_repr_length", 400 + 40 * bullets.Length);
            if (generationId is null) w.WriteNumber("$ai_event_count", trace.Events.Count);
            w.WriteString("trace_timestamp", trace.Start.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
        });
        return EventJson.Row(_summaries.Uuid(), eventName, properties, written, options.TeamId, distinctPrefix + options.TeamId.ToString(CultureInfo.InvariantCulture));
    }

    private static void Lines(Utf8JsonWriter w, string name, string[] lines)
    {
        w.WriteStartArray(name);
        for (var i = 0; i < lines.Length; i++)
        {
            w.WriteStartObject();
            w.WriteString("text", lines[i]);
            w.WriteString("line_refs", "L" + (i + 1).ToString(CultureInfo.InvariantCulture));
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    private DemoEvent Generation(DemoTrafficKind kind, DemoModel model, string traceId, string parentId, DateTime at, string distinctId,
        string prompt, string answer, int generations, string? error)
    {
        var uuid = random.Uuid();
        var input = random.Between(kind.InputTokens.Min, kind.InputTokens.Max);
        var output = error is null ? random.Between(kind.OutputTokens.Min, kind.OutputTokens.Max) : 0;
        var cost = Math.Round(input / 1000.0 * model.InputCostPer1K + output / 1000.0 * model.OutputCostPer1K, 8);
        var latency = Math.Round(random.Between(kind.LatencySeconds.Min, kind.LatencySeconds.Max) / generations, 3);
        var costForm = random.Unit();

        var properties = EventJson.Properties(w =>
        {
            w.WriteString("$ai_trace_id", traceId);
            w.WriteString("$ai_span_id", uuid.ToString("D"));
            w.WriteString("$ai_parent_id", parentId);
            w.WriteString("$ai_model", model.Name);
            w.WriteString("$ai_provider", model.Provider);
            w.WriteStartArray("$ai_input");
            WriteMessage(w, "system", kind.SystemPrompt + RetrievedContext(), asParts: false);
            WriteMessage(w, "user", prompt, asParts: random.Chance(0.2));
            w.WriteEndArray();
            w.WriteStartArray("$ai_output_choices");
            if (error is null) WriteMessage(w, "assistant", answer, asParts: random.Chance(0.1));
            w.WriteEndArray();
            if (options.RealisticSizes && _sizes.Chance(0.3)) WriteTools(w);
            WriteNumber(w, "$ai_input_tokens", input);
            WriteNumber(w, "$ai_output_tokens", output);
            // 3% of generations carry no cost at all and 2% a null one, as some SDKs send them.
            if (costForm >= 0.05)
            {
                WriteNumber(w, "$ai_input_cost_usd", Math.Round(input / 1000.0 * model.InputCostPer1K, 8));
                WriteNumber(w, "$ai_output_cost_usd", Math.Round(output / 1000.0 * model.OutputCostPer1K, 8));
                WriteNumber(w, "$ai_total_cost_usd", cost);
            }
            else if (costForm >= 0.03)
            {
                w.WriteNull("$ai_total_cost_usd");
            }
            WriteNumber(w, "$ai_latency", latency);
            WriteFlag(w, "$ai_is_error", error is not null);
            if (error is not null) WriteError(w, error);
            w.WriteNumber("$ai_http_status", error is null ? 200 : kind.ErrorHttpStatus);
            WriteSdkFigures(w, model.Provider, input, output, error is null);
        });
        return new DemoEvent(uuid, "$ai_generation", at, traceId, model.Name, costForm < 0.05 ? 0 : cost, latency, input, output,
            error is not null, EventJson.Row(uuid, "$ai_generation", properties, at, options.TeamId, distinctId));
    }

    private DemoEvent Span(string traceId, string spanId, string name, DateTime at, string distinctId, bool isError, string? error, string prompt)
    {
        var uuid = random.Uuid();
        var latency = Math.Round(random.Between(0.02, 0.9), 3);
        var properties = EventJson.Properties(w =>
        {
            w.WriteString("$ai_trace_id", traceId);
            w.WriteString("$ai_span_id", spanId);
            w.WriteString("$ai_parent_id", traceId);
            w.WriteString("$ai_span_name", name);
            w.WriteStartObject("$ai_input_state");
            w.WriteString("query", prompt.Length > 80 ? prompt[..80] : prompt);
            w.WriteEndObject();
            w.WriteStartObject("$ai_output_state");
            w.WriteBoolean("ok", !isError);
            w.WriteEndObject();
            WriteNumber(w, "$ai_latency", latency);
            WriteFlag(w, "$ai_is_error", isError);
            if (error is not null) WriteError(w, error);
        });
        return new DemoEvent(uuid, "$ai_span", at, traceId, null, 0, latency, 0, 0, isError,
            EventJson.Row(uuid, "$ai_span", properties, at, options.TeamId, distinctId));
    }

    private DemoEvent EmbeddingEvent(string traceId, DateTime at, string distinctId, string prompt)
    {
        var uuid = random.Uuid();
        var tokens = Math.Max(8, prompt.Length / 4);
        var cost = Math.Round(tokens / 1000.0 * Embedding.InputCostPer1K, 10);
        var latency = Math.Round(random.Between(0.05, 0.25), 3);
        var properties = EventJson.Properties(w =>
        {
            w.WriteString("$ai_trace_id", traceId);
            w.WriteString("$ai_model", Embedding.Name);
            w.WriteString("$ai_provider", Embedding.Provider);
            WriteNumber(w, "$ai_input_tokens", tokens);
            WriteNumber(w, "$ai_total_cost_usd", cost);
            WriteNumber(w, "$ai_latency", latency);
        });
        return new DemoEvent(uuid, "$ai_embedding", at, traceId, Embedding.Name, cost, latency, tokens, 0, false,
            EventJson.Row(uuid, "$ai_embedding", properties, at, options.TeamId, distinctId));
    }

    private string Fill(string template, DemoTrafficKind kind)
    {
        var text = template;
        for (var i = 0; i < kind.Slots.Length; i++) text = text.Replace("{" + i + "}", random.Pick(kind.Slots[i]), StringComparison.Ordinal);
        return text;
    }

    /// <summary>Retrieved documents appended to the system message, of a log-normal length; none without realistic sizes.</summary>
    private string RetrievedContext()
    {
        if (!options.RealisticSizes) return string.Empty;
        var length = (int)Math.Clamp(Math.Exp(Math.Log(ContextMedianLength) + 1.1 * _sizes.Gaussian()), 200, ContextMaxLength);
        // On the system message's own line, so a trace's preview (Format-LlmTrace) still reaches the user's question.
        var context = new System.Text.StringBuilder(" Context: ", length + 200);
        while (context.Length < length) context.Append(_sizes.Pick(ContextSentences)).Append(' ');
        return context.ToString();
    }

    /// <summary>Tool definitions as OpenAI's SDK sends them (JSON schemas), about 1 KB each.</summary>
    private void WriteTools(Utf8JsonWriter w)
    {
        w.WriteStartArray("$ai_tools");
        for (var i = _sizes.Between(1, 3); i > 0; i--)
        {
            w.WriteStartObject();
            w.WriteString("type", "function");
            w.WriteStartObject("function");
            w.WriteString("name", "lookup_" + i.ToString(CultureInfo.InvariantCulture));
            w.WriteString("description", _sizes.Pick(ContextSentences));
            w.WriteStartObject("parameters");
            w.WriteString("type", "object");
            w.WriteStartObject("properties");
            foreach (var field in new[] { "query", "account_id", "since", "limit" })
            {
                w.WriteStartObject(field);
                w.WriteString("type", field == "limit" ? "integer" : "string");
                w.WriteString("description", _sizes.Pick(ContextSentences));
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartArray("required");
            w.WriteStringValue("query");
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    // Message content is a string or, as newer SDKs send it, a list of typed parts.
    private static void WriteMessage(Utf8JsonWriter w, string role, string text, bool asParts)
    {
        w.WriteStartObject();
        w.WriteString("role", role);
        if (asParts)
        {
            w.WriteStartArray("content");
            w.WriteStartObject();
            w.WriteString("type", "text");
            w.WriteString("text", text);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        else
        {
            w.WriteString("content", text);
        }
        w.WriteEndObject();
    }

    // Some SDKs send numbers as JSON strings; PostHog stores what it gets.
    private void WriteNumber(Utf8JsonWriter w, string name, double value)
    {
        if (random.Chance(0.08)) w.WriteString(name, value.ToString("R", CultureInfo.InvariantCulture));
        else w.WriteNumber(name, value);
    }

    // PostHog's SDKs write $ai_is_error only on failures; some send it as the string "true". (The draw stays, so
    // that every other generated value is the same as before the SDKs were followed.)
    private void WriteFlag(Utf8JsonWriter w, string name, bool value)
    {
        var form = random.Unit();
        if (!value) return;
        if (form < 0.4) w.WriteString(name, "true");
        else w.WriteBoolean(name, true);
    }

    /// <summary>
    /// An error as PostHog's Node SDK writes $ai_error: the JSON of the thrown error (name, message, stack), whose
    /// message is, for a provider's API error, the HTTP status and then the provider's text (OpenAI) or its error body
    /// (Anthropic), as their SDKs word it.
    /// </summary>
    private static string SdkError(string message, int? status, string? provider)
    {
        var text = status is not { } code ? message
            : provider == "anthropic"
                ? code.ToString(CultureInfo.InvariantCulture) + " " + JsonSerializer.Serialize(new { type = "error", error = new { type = code == 529 ? "overloaded_error" : code == 429 ? "rate_limit_error" : "api_error", message } })
                : code.ToString(CultureInfo.InvariantCulture) + " " + message;
        var origin = status is null ? "RunnableLambda.func (file:///app/dist/tools.js:41:13)" : $"APIError.generate (file:///app/node_modules/{provider}/core/error.mjs:62:20)";
        return JsonSerializer.Serialize(new
        {
            name = "Error",
            message = text,
            stack = $"Error: {text}\n    at {origin}\n    at async Promise.all (index 0)\n    at async RunnableSequence.invoke (file:///app/node_modules/@langchain/core/dist/runnables/base.js:1277:27)",
        });
    }

    /// <summary>$ai_error, and the $ai_error_normalized PostHog's ingestion adds beside it.</summary>
    private static void WriteError(Utf8JsonWriter w, string error)
    {
        w.WriteString("$ai_error", error);
        w.WriteString("$ai_error_normalized", DemoIngestion.NormalizeError(error));
    }

    /// <summary>What the SDKs write beside the token counts: the provider's usage object, cache tokens, the stop reason and, for streamed answers, the time to the first token.</summary>
    private void WriteSdkFigures(Utf8JsonWriter w, string provider, int input, int output, bool answered)
    {
        var cacheRead = _sdk.Chance(0.3) ? Math.Min(input, 1024 * _sdk.Between(1, 4)) : 0;
        var cacheWrite = provider == "anthropic" && _sdk.Chance(0.1) ? 2048 : 0;
        var streamed = _sdk.Chance(0.4);
        w.WriteStartObject("$ai_usage");
        if (provider == "anthropic")
        {
            w.WriteNumber("input_tokens", input);
            w.WriteNumber("output_tokens", output);
            w.WriteNumber("cache_read_input_tokens", cacheRead);
            w.WriteNumber("cache_creation_input_tokens", cacheWrite);
        }
        else
        {
            w.WriteNumber("prompt_tokens", input);
            w.WriteNumber("completion_tokens", output);
            w.WriteNumber("total_tokens", input + output);
            w.WriteStartObject("prompt_tokens_details");
            w.WriteNumber("cached_tokens", cacheRead);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        if (cacheRead > 0) w.WriteNumber("$ai_cache_read_input_tokens", cacheRead);
        if (cacheWrite > 0) w.WriteNumber("$ai_cache_creation_input_tokens", cacheWrite);
        if (answered) w.WriteString("$ai_stop_reason", provider == "anthropic" ? "end_turn" : "stop");
        if (streamed && answered) w.WriteNumber("$ai_time_to_first_token", Math.Round(_sdk.Between(150, 900) / 1000.0, 3));
    }
}
