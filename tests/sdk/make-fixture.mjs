// Makes tests/LlmClusters.Tests/Fixtures/sdk-export.jsonl: LLM events written by PostHog's real Node SDK
// (@posthog/ai wrapping OpenAI, Anthropic and LangChain clients, sent by posthog-node), laid out as PostHog's S3 batch
// export writes them. Run `npm ci && node make-fixture.mjs` in this folder; the build and tests never need node.
//
// What is real: every event and property is what posthog-node sent to a loopback capture server while the SDK wrappers
// called a loopback mock provider (the provider's answers follow OpenAI's and Anthropic's documented response shapes,
// including their error bodies and status codes).
// What is emulated, because it happens in PostHog's ingestion and not in the SDK:
//   - $ai_error_normalized: PostHog's normalizeError (nodejs/src/ingestion/ai/errors/normalize-error.ts), applied as
//     processAiErrorNormalization does, to events with $ai_is_error and $ai_error.
//   - $ai_input_cost_usd, $ai_output_cost_usd, $ai_total_cost_usd: token counts times the prices below (PostHog prices
//     from its model table; the figures here are the providers' list prices per token).
//   - the export's own columns: _inserted_at, created_at, elements_chain, person_properties, person_id; no team_id,
//     as PostHog's S3 batch export writes by default.
import http from 'node:http';
import zlib from 'node:zlib';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { PostHog } from 'posthog-node';
import { OpenAI } from '@posthog/ai/openai';
import { Anthropic } from '@posthog/ai/anthropic';
import { LangChainCallbackHandler } from '@posthog/ai/langchain';
import { ChatOpenAI } from '@langchain/openai';
import { ChatPromptTemplate } from '@langchain/core/prompts';
import { StringOutputParser } from '@langchain/core/output_parsers';
import { RunnableLambda } from '@langchain/core/runnables';
import { tool } from '@langchain/core/tools';
import { z } from 'zod';

const here = path.dirname(fileURLToPath(import.meta.url));
const out = path.join(here, '..', 'LlmClusters.Tests', 'Fixtures', 'sdk-export.jsonl');

// ---- loopback servers -------------------------------------------------------------------------------------------

function listen(handler) {
  return new Promise(resolve => {
    const server = http.createServer(async (req, res) => {
      const chunks = [];
      for await (const c of req) chunks.push(c);
      let body = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') body = zlib.gunzipSync(body);
      try { await handler(req, res, body.toString('utf8')); }
      catch (e) { res.writeHead(500); res.end(String(e)); }
    });
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

const captured = [];
const capture = await listen((req, res, body) => {
  const json = JSON.parse(body || '{}');
  const events = Array.isArray(json.batch) ? json.batch : Array.isArray(json) ? json : [json];
  captured.push(...events.filter(e => e && e.event));
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":1}');
});

const words = ['the', 'order', 'shipped', 'yesterday', 'and', 'should', 'arrive', 'within', 'two', 'days', 'tracking', 'number', 'refund', 'policy', 'allows', 'returns', 'for', 'thirty'];
const tokens = text => Math.max(1, Math.round(String(text).length / 4));
const sentence = (seed, n) => Array.from({ length: n }, (_, i) => words[(seed * 7 + i * 3) % words.length]).join(' ') + '.';
const promptText = messages => JSON.stringify(messages ?? '');

// Failures are asked for by a marker in the last user message: "#429", "#500" or "#529".
const failureIn = text => (/#(429|500|529)/.exec(text) ?? [])[1];

const openAiErrors = {
  429: { error: { message: 'Rate limit reached for gpt-4o-mini in organization org-3kqTzXb9 on tokens per min (TPM): Limit 200000, Used 199412, Requested 1834. Please try again in 374ms. Visit https://platform.openai.com/account/rate-limits to learn more.', type: 'tokens', param: null, code: 'rate_limit_exceeded' } },
  500: { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } },
};

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_' + crypto.randomBytes(12).toString('hex'), ...headers });
  res.end(JSON.stringify(body));
}

let counter = 0;
const provider = await listen((req, res, body) => {
  const json = body ? JSON.parse(body) : {};
  const url = req.url.replace(/^\/v1/, '');
  const all = promptText(json.messages ?? json.input);
  const failure = failureIn(all);
  counter++;

  if (url.startsWith('/messages')) {
    if (failure) {
      const anthropicErrors = { 429: ['rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'], 500: ['api_error', 'Internal server error'], 529: ['overloaded_error', 'Overloaded'] };
      const [type, message] = anthropicErrors[failure];
      return sendJson(res, Number(failure), { type: 'error', error: { type, message }, request_id: 'req_011CV' + crypto.randomBytes(8).toString('hex') });
    }
    const wantsTool = (json.tools ?? []).length > 0 && !all.includes('tool_result');
    const text = sentence(counter, 18);
    const content = wantsTool
      ? [{ type: 'text', text: 'Let me look that up.' }, { type: 'tool_use', id: 'toolu_01' + crypto.randomBytes(10).toString('hex'), name: json.tools[0].name, input: { order_id: 'A-' + (1000 + counter) } }]
      : [{ type: 'text', text }];
    return sendJson(res, 200, {
      id: 'msg_01' + crypto.randomBytes(10).toString('hex'), type: 'message', role: 'assistant', model: json.model,
      content, stop_reason: wantsTool ? 'tool_use' : 'end_turn', stop_sequence: null,
      usage: { input_tokens: tokens(all), output_tokens: tokens(JSON.stringify(content)), cache_read_input_tokens: counter % 3 === 0 ? 1024 : 0, cache_creation_input_tokens: counter % 5 === 0 ? 2048 : 0 },
    });
  }

  if (failure) return sendJson(res, Number(failure), openAiErrors[failure] ?? openAiErrors[500]);

  if (url.startsWith('/embeddings')) {
    const inputs = Array.isArray(json.input) ? json.input : [json.input];
    const data = inputs.map((input, index) => {
      const vector = Float32Array.from({ length: 8 }, (_, i) => Math.sin(index + i + String(input).length));
      return { object: 'embedding', index, embedding: json.encoding_format === 'base64' ? Buffer.from(vector.buffer).toString('base64') : Array.from(vector) };
    });
    const used = inputs.reduce((n, i) => n + tokens(i), 0);
    return sendJson(res, 200, { object: 'list', data, model: json.model, usage: { prompt_tokens: used, total_tokens: used } });
  }

  if (url.startsWith('/responses')) {
    const input = Array.isArray(json.input) ? json.input : [{ role: 'user', content: json.input }];
    const hasResult = input.some(i => i.type === 'function_call_output');
    const output = (json.tools ?? []).length > 0 && !hasResult
      ? [{ type: 'function_call', id: 'fc_' + crypto.randomBytes(12).toString('hex'), call_id: 'call_' + crypto.randomBytes(12).toString('hex'), name: json.tools[0].name, arguments: JSON.stringify({ city: 'Paris' }), status: 'completed' }]
      : [{ type: 'message', id: 'msg_' + crypto.randomBytes(12).toString('hex'), role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: sentence(counter, 14), annotations: [] }] }];
    return sendJson(res, 200, {
      id: 'resp_' + crypto.randomBytes(12).toString('hex'), object: 'response', created_at: Math.floor(Date.now() / 1000), status: 'completed', model: json.model,
      output, usage: { input_tokens: tokens(promptText(input)), output_tokens: tokens(JSON.stringify(output)), total_tokens: 0, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
    });
  }

  // Chat completions, plain or streamed, with a tool call when tools are offered and no tool result came back yet.
  const wantsTool = (json.tools ?? []).length > 0 && !(json.messages ?? []).some(m => m.role === 'tool');
  const message = wantsTool
    ? { role: 'assistant', content: null, tool_calls: [{ id: 'call_' + crypto.randomBytes(12).toString('hex'), type: 'function', function: { name: json.tools[0].function.name, arguments: JSON.stringify({ order_id: 'A-' + (1000 + counter) }) } }] }
    : { role: 'assistant', content: sentence(counter, 24) };
  const usage = { prompt_tokens: tokens(all), completion_tokens: tokens(JSON.stringify(message)), total_tokens: 0, prompt_tokens_details: { cached_tokens: counter % 4 === 0 ? 512 : 0 } };
  const id = 'chatcmpl-' + crypto.randomBytes(12).toString('hex');
  const created = Math.floor(Date.now() / 1000);
  const model = json.model + '-2024-07-18';
  if (!json.stream) {
    return sendJson(res, 200, { id, object: 'chat.completion', created, model, choices: [{ index: 0, message, finish_reason: wantsTool ? 'tool_calls' : 'stop', logprobs: null }], usage });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta, finish, extra = {}) => res.write('data: ' + JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: delta ? [{ index: 0, delta, finish_reason: finish }] : [], ...extra }) + '\n\n');
  chunk({ role: 'assistant', content: '' }, null);
  for (const piece of message.content.split(' ')) chunk({ content: piece + ' ' }, null);
  chunk({}, 'stop');
  chunk(null, null, { usage });
  res.end('data: [DONE]\n\n');
});

const providerUrl = `http://127.0.0.1:${provider.address().port}`;
const posthog = new PostHog('phc_fixture', { host: `http://127.0.0.1:${capture.address().port}`, flushAt: 20, flushInterval: 0, fetchRetryCount: 0 });
const openai = new OpenAI({ apiKey: 'sk-fixture', baseURL: providerUrl + '/v1', posthog, maxRetries: 0 });
const anthropic = new Anthropic({ apiKey: 'sk-ant-fixture', baseURL: providerUrl, posthog, maxRetries: 0 });
const user = i => `user-${(i % 7) + 1}`;
const swallow = async work => { try { await work(); } catch { /* the failure is what the event records */ } };

// ---- scenarios --------------------------------------------------------------------------------------------------

const questions = [
  'Where is my order A-1042? It was supposed to arrive on Monday.',
  'Can I return a pair of shoes I bought three weeks ago?',
  'My package says delivered but I cannot find it anywhere.',
  'How long does a refund take to reach my card?',
  'I was charged twice for the same order, please help.',
  'Do you ship to Canada and how much does it cost?',
];
const reviews = [
  'Review this function: def add(a, b): return a - b',
  'Is this SQL safe? query = "SELECT * FROM users WHERE name = \'" + name + "\'"',
  'Why does my React component render twice in development?',
  'Refactor this loop to use a list comprehension: for x in xs: if x > 0: out.append(x)',
];

// OpenAI chat, plain: flat traces, no $ai_trace root, no span ids.
for (let i = 0; i < 12; i++) {
  const question = questions[i % questions.length];
  await openai.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'system', content: 'You are a support agent for an online shoe store. Answer briefly and politely.' }, { role: 'user', content: question }],
    posthogDistinctId: user(i),
    posthogProperties: { conversation_id: 'conv-' + i },
  });
}

// OpenAI chat, streamed.
for (let i = 0; i < 4; i++) {
  const stream = await openai.chat.completions.create({
    model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: reviews[i % reviews.length] }],
    posthogDistinctId: user(i),
  });
  for await (const _ of stream) { /* read to the end so the SDK captures */ }
}

// OpenAI chat with a tool call and its result, one trace of two generations.
const lookupTool = { type: 'function', function: { name: 'lookup_order', description: 'Look up an order by id', parameters: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } } };
for (let i = 0; i < 4; i++) {
  const traceId = crypto.randomUUID();
  const messages = [{ role: 'user', content: questions[i] }];
  const first = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [lookupTool], posthogDistinctId: user(i), posthogTraceId: traceId });
  const call = first.choices[0].message.tool_calls[0];
  messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: JSON.stringify({ status: 'in transit', eta: '2 days' }) });
  await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: [lookupTool], posthogDistinctId: user(i), posthogTraceId: traceId });
}

// OpenAI Responses API with a function call and its output.
const weatherTool = { type: 'function', name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
for (let i = 0; i < 3; i++) {
  const traceId = crypto.randomUUID();
  const input = [{ role: 'user', content: 'Should I take an umbrella in Paris today?' }];
  const first = await openai.responses.create({ model: 'gpt-4.1-mini', input, tools: [weatherTool], posthogDistinctId: user(i), posthogTraceId: traceId });
  const call = first.output[0];
  input.push(call, { type: 'function_call_output', call_id: call.call_id, output: JSON.stringify({ temperature_c: 14, rain_probability: 0.7 }) });
  await openai.responses.create({ model: 'gpt-4.1-mini', input, tools: [weatherTool], posthogDistinctId: user(i), posthogTraceId: traceId });
}

// Embeddings: tiny costs.
for (let i = 0; i < 3; i++) {
  await openai.embeddings.create({ model: 'text-embedding-3-small', input: questions[i], posthogDistinctId: user(i) });
}

// Privacy mode: no input or output captured.
for (let i = 0; i < 2; i++) {
  await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'My card number is 4111 1111 1111 1111, why was it declined?' }], posthogDistinctId: user(i), posthogPrivacyMode: true });
}

// OpenAI failures: a rate limit and a server error.
await swallow(() => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: questions[0] + ' #429' }], posthogDistinctId: user(1) }));
await swallow(() => openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: questions[1] + ' #500' }], posthogDistinctId: user(2) }));

// Anthropic: tool use and its result, an image, cache tokens, and an overload.
const orderTool = { name: 'lookup_order', description: 'Look up an order by id', input_schema: { type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] } };
for (let i = 0; i < 3; i++) {
  const traceId = crypto.randomUUID();
  const messages = [{ role: 'user', content: questions[(i + 2) % questions.length] }];
  const first = await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 512, system: 'You are a support agent for an online shoe store.', messages, tools: [orderTool], posthogDistinctId: user(i), posthogTraceId: traceId });
  const use = first.content.find(c => c.type === 'tool_use');
  messages.push({ role: 'assistant', content: first.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: use.id, content: 'Order A-1042: in transit, arriving Thursday.' }] });
  await anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 512, system: 'You are a support agent for an online shoe store.', messages, tools: [orderTool], posthogDistinctId: user(i), posthogTraceId: traceId });
}
const pixel = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
for (let i = 0; i < 2; i++) {
  await anthropic.messages.create({
    model: 'claude-sonnet-4-5', max_tokens: 256, posthogDistinctId: user(i),
    messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: pixel } }, { type: 'text', text: 'Is the sole of this shoe damaged?' }] }],
  });
}
await swallow(() => anthropic.messages.create({ model: 'claude-sonnet-4-5', max_tokens: 256, messages: [{ role: 'user', content: questions[3] + ' #529' }], posthogDistinctId: user(3) }));
await swallow(() => anthropic.messages.create({ model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: questions[4] + ' #429' }], posthogDistinctId: user(4) }));

// LangChain: a prompt, model and parser chain (a $ai_trace root, nested $ai_span events); a model with a tool bound;
// and a chain whose tool step fails (flagged on the failing step and on the root).
const chatModel = new ChatOpenAI({ model: 'gpt-4o-mini', apiKey: 'sk-fixture', configuration: { baseURL: providerUrl + '/v1' }, maxRetries: 0 });
const prompt = ChatPromptTemplate.fromMessages([['system', 'You review code and answer in two sentences.'], ['human', '{question}']]);
const reviewChain = prompt.pipe(chatModel).pipe(new StringOutputParser()).withConfig({ runName: 'code_review' });
for (let i = 0; i < 4; i++) {
  await reviewChain.invoke({ question: reviews[i] }, { callbacks: [new LangChainCallbackHandler({ client: posthog, distinctId: user(i) })] });
}
const lookup = tool(async ({ order_id }) => `Order ${order_id} is in transit.`, { name: 'lookup_order', description: 'Look up an order by id', schema: z.object({ order_id: z.string() }) });
const toolChain = prompt.pipe(chatModel.bindTools([lookup])).withConfig({ runName: 'order_agent' });
for (let i = 0; i < 2; i++) {
  await toolChain.invoke({ question: questions[i] }, { callbacks: [new LangChainCallbackHandler({ client: posthog, distinctId: user(i) })] });
}
const failingTool = RunnableLambda.from(async () => { throw new Error('Inventory service unavailable: connection refused (ECONNREFUSED 10.0.3.17:5432)'); }).withConfig({ runName: 'check_inventory' });
const failingChain = prompt.pipe(chatModel).pipe(new StringOutputParser()).pipe(failingTool).withConfig({ runName: 'stock_check' });
for (let i = 0; i < 2; i++) {
  await swallow(() => failingChain.invoke({ question: 'Is the blue running shoe in size 42 in stock?' }, { callbacks: [new LangChainCallbackHandler({ client: posthog, distinctId: user(i) })] }));
}

await posthog.shutdown();
provider.close();
capture.close();

// ---- PostHog's ingestion (emulated) and the S3 batch export's layout ---------------------------------------------

// normalizeError from PostHog's nodejs/src/ingestion/ai/errors/normalize-error.ts, step by step.
function normalizeError(raw) {
  if (!raw) return '';
  return raw
    .replace(/(req_[a-zA-Z0-9]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi, '<ID>')
    .replace(/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]+Z?/g, '<TIMESTAMP>')
    .replace(/projects\/[0-9a-z-]+(\/[a-z]+\/[0-9a-z-]+)+/gi, 'projects/<PATH>')
    .replace(/"responseId":"[a-zA-Z0-9_-]+"/g, '"responseId":"<RESPONSE_ID>"')
    .replace(/"id":\s*"[a-zA-Z0-9_-]+"/g, '"id": "<ID>"')
    .replace(/tool_call_id=['"][a-zA-Z0-9_-]+['"]/g, "tool_call_id='<TOOL_CALL_ID>'")
    .replace(/toolu_[a-zA-Z0-9]+/g, '<TOOL_ID>')
    .replace(/function call call_[a-zA-Z0-9]+/g, 'function call call_<CALL_ID>')
    .replace(/(user_id.{0,4})user_[a-zA-Z0-9]+/g, '$1user_<USER_ID>')
    .replace(/0x[0-9a-fA-F]+/g, '<OBJECT_ID>')
    .replace(/id=['"][a-zA-Z0-9_-]+['"]/gi, "id='<ID>'")
    .replace(/"tokenCount":[0-9]+/g, '"tokenCount":<TOKEN_COUNT>')
    .replace(/[0-9]{9,}/g, '<ID>')
    .replace(/[0-9]+/g, '<N>')
    .replace(/\s+/g, ' ')
    .trim();
}

// USD per token, input and output (list prices).
const prices = {
  'gpt-4o-mini': [0.15e-6, 0.6e-6], 'gpt-4.1-mini': [0.4e-6, 1.6e-6], 'text-embedding-3-small': [0.02e-6, 0],
  'claude-sonnet-4-5': [3e-6, 15e-6], 'claude-haiku-4-5': [1e-6, 5e-6],
};
const priceOf = model => Object.entries(prices).find(([name]) => String(model ?? '').startsWith(name))?.[1];

const lines = captured
  .filter(e => String(e.event).startsWith('$ai_'))
  .map(e => {
    const properties = { ...e.properties };
    if ((properties.$ai_is_error === true || properties.$ai_is_error === 'true') && properties.$ai_error != null) {
      const normalized = normalizeError(typeof properties.$ai_error === 'string' ? properties.$ai_error : String(properties.$ai_error));
      if (normalized) properties.$ai_error_normalized = normalized;
    }
    const price = priceOf(properties.$ai_model);
    if (price && (e.event === '$ai_generation' || e.event === '$ai_embedding') && properties.$ai_total_cost_usd === undefined) {
      properties.$ai_input_cost_usd = (properties.$ai_input_tokens ?? 0) * price[0];
      properties.$ai_output_cost_usd = (properties.$ai_output_tokens ?? 0) * price[1];
      properties.$ai_total_cost_usd = properties.$ai_input_cost_usd + properties.$ai_output_cost_usd;
    }
    const timestamp = new Date(e.timestamp ?? Date.now());
    return {
      uuid: e.uuid ?? crypto.randomUUID(),
      event: e.event,
      properties,
      distinct_id: e.distinct_id,
      timestamp: timestamp.toISOString(),
      _inserted_at: new Date(timestamp.getTime() + 1500).toISOString(),
      created_at: new Date(timestamp.getTime() + 900).toISOString(),
      elements_chain: '',
      person_properties: {},
      person_id: crypto.createHash('md5').update(String(e.distinct_id)).digest('hex').replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
    };
  })
  .sort((a, b) => a.timestamp.localeCompare(b.timestamp));

fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, lines.map(l => JSON.stringify(l)).join('\n') + '\n');
const kinds = lines.reduce((m, l) => ({ ...m, [l.event]: (m[l.event] ?? 0) + 1 }), {});
console.log(`Wrote ${lines.length} events to ${path.relative(process.cwd(), out)}:`, kinds);
