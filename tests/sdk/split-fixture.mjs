// Makes the SDK fixture in today's PostHog layout, from sdk-export.jsonl (the real SDK's events, see make-fixture.mjs):
//   Fixtures/sdk-today-events.jsonl     an export of the events table, as PostHog's ingestion writes it since the split
//   Fixtures/sdk-today-ai-events.jsonl  an export of the ai_events table (SELECT * FROM ai_events), PostHog's column names
// Run `node split-fixture.mjs` in this folder (no packages needed); the build and tests never need node.
//
// The split follows PostHog's own code: which properties are heavy and how the events copy is stripped
// (nodejs/src/ingestion/event-processing/split-ai-events-step.ts), and how each ai_events column is filled from the
// properties (AI_EVENTS_MV_SQL in posthog/models/ai_events/sql.py: the properties without the heavy ones, the typed
// columns, each heavy column the property's raw JSON). Traces are chosen by their place in the export:
//   - the first trace was written before its team was switched: whole in events, nothing in ai_events;
//   - the second has expired from ai_events (its retention dropped it): stripped in events, nothing in ai_events;
//   - the LangChain generation of the first LangChain trace has a malformed output_choices column (cut short);
//   - every other trace is split: stripped in events, whole in ai_events.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.join(here, '..', 'LlmClusters.Tests', 'Fixtures');
const rows = fs.readFileSync(path.join(fixtures, 'sdk-export.jsonl'), 'utf8').split('\n').filter((l) => l.length > 0).map((l) => JSON.parse(l));

const HEAVY = { $ai_input: 'input', $ai_output: 'output', $ai_output_choices: 'output_choices', $ai_input_state: 'input_state', $ai_output_state: 'output_state', $ai_tools: 'tools' };
const TEXT = ['session_id', 'parent_id', 'span_id', 'span_type', 'generation_id', 'experiment_id', 'span_name', 'trace_name', 'prompt_name', 'model', 'provider', 'framework', 'error_type', 'error_normalized'];
const INTS = ['total_tokens', 'input_tokens', 'output_tokens', 'text_input_tokens', 'text_output_tokens', 'image_input_tokens', 'image_output_tokens', 'audio_input_tokens',
    'audio_output_tokens', 'video_input_tokens', 'video_output_tokens', 'reasoning_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens', 'web_search_count'];
const FLOATS = ['input_cost_usd', 'output_cost_usd', 'total_cost_usd', 'request_cost_usd', 'web_search_cost_usd', 'audio_cost_usd', 'image_cost_usd', 'video_cost_usd',
    'latency', 'time_to_first_token'];

const traces = [...new Set(rows.map((r) => r.properties.$ai_trace_id).filter(Boolean))];
const beforeSplit = traces[0];
const expired = traces[1];
const malformed = rows.find((r) => r.event === '$ai_generation' && r.properties.$ai_lib === 'posthog-ai' && r.properties.$ai_framework === 'langchain')
    ?? rows.find((r) => r.event === '$ai_generation' && rows.some((s) => s.event === '$ai_trace' && s.properties.$ai_trace_id === r.properties.$ai_trace_id));

const light = (properties) => Object.fromEntries(Object.entries(properties).filter(([k]) => !(k in HEAVY)));
const carriesContent = (properties) => Object.keys(properties).some((k) => k in HEAVY);

// JSONExtract(..., 'Nullable(String)') gives a string property as it is and NULL for anything else but a string;
// the error, often an object, is then its raw JSON (ClickHouse reads an object into a String as its text).
const text = (v) => (v === undefined || v === null ? null : typeof v === 'string' ? v : JSON.stringify(v));
const int = (v) => (typeof v === 'number' && Number.isInteger(v) ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : null);
const float = (v) => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !isNaN(Number(v)) ? Number(v) : null);

function aiEventsRow(row) {
    const p = row.properties;
    const out = {
        uuid: row.uuid, event: row.event, timestamp: row.timestamp, team_id: 2, distinct_id: row.distinct_id, person_id: row.person_id,
        properties: JSON.stringify(light(p)), retention_days: 30, trace_id: p.$ai_trace_id ?? '',
    };
    for (const c of TEXT) out[c] = text(p['$ai_' + c]);
    for (const c of INTS) out[c] = int(p['$ai_' + c]);
    for (const c of FLOATS) out[c] = float(p['$ai_' + c]);
    out.is_error = p.$ai_is_error === true || p.$ai_is_error === 'true' ? 1 : 0;
    out.error = text(p.$ai_error);
    for (const [property, column] of Object.entries(HEAVY)) out[column] = property in p ? JSON.stringify(p[property]) : null;
    return out;
}

const events = [];
const aiEvents = [];
for (const row of rows) {
    const trace = row.properties.$ai_trace_id;
    const isAi = row.event.startsWith('$ai_');
    if (!isAi || trace === beforeSplit) {
        events.push(row);
        continue;
    }
    events.push(carriesContent(row.properties) ? { ...row, properties: light(row.properties) } : row);
    if (trace === expired) continue;
    const ai = aiEventsRow(row);
    if (row === malformed) ai.output_choices = ai.output_choices.slice(0, Math.floor(ai.output_choices.length / 2));
    aiEvents.push(ai);
}

const write = (name, lines) => fs.writeFileSync(path.join(fixtures, name), lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
write('sdk-today-events.jsonl', events);
write('sdk-today-ai-events.jsonl', aiEvents);
console.log(`before the split: ${beforeSplit}; expired: ${expired}; malformed output_choices: event ${malformed.uuid} of ${malformed.properties.$ai_trace_id}`);
console.log(`${events.length} events, ${aiEvents.length} ai_events rows`);
