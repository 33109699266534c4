import { describe, expect, it } from 'vitest';
import { isCocoonError, type ErrorCode } from '@cocoon/shared/errors';
import { ChatCompletionRequestSchema } from '@cocoon/shared/protocol/openai-chat';
import { createEngineClient, type EngineEvent } from './engine-client';
import { readEngineVector, seededRandom, serveReplay, splitRandomly } from './test-vectors';

const SSE = 'text/event-stream; charset=utf-8';
const JSON_TYPE = 'application/json';
const request = { model: 'm', messages: [{ role: 'user' as const, content: 'Say okay.' }] };

type Outcome = { text: string; events: EngineEvent[]; error?: unknown; sentBody: string };

/** Replays `body` through a real HTTP server, once whole and three times cut at random bytes. */
async function eachSplit(body: Uint8Array, run: (pieces: Uint8Array[], label: string) => Promise<void>): Promise<void> {
  await run([body], 'whole');
  for (const seed of [1, 2, 3]) await run(splitRandomly(body, seededRandom(seed)), `seed ${seed}`);
}

async function streamVia(status: number, contentType: string, pieces: Uint8Array[]): Promise<Outcome> {
  const server = await serveReplay({ status, contentType, pieces });
  const events: EngineEvent[] = [];
  let error: unknown;
  try {
    for await (const ev of createEngineClient({ baseUrl: server.url }).streamChat(request)) events.push(ev);
  } catch (e) {
    error = e;
  } finally {
    await server.close();
  }
  const text = events.map((e) => (e.type === 'delta' ? e.content : '')).join('');
  return { text, events, error, sentBody: server.requests[0]?.body ?? '' };
}

async function expectStream(file: string, contentType: string, want: { text: string; finish: string; usage: [number, number] }) {
  await eachSplit(await readEngineVector(file), async (pieces, label) => {
    const out = await streamVia(200, contentType, pieces);
    expect(out.error, label).toBeUndefined();
    expect(out.text, label).toBe(want.text);
    expect(out.events.filter((e) => e.type === 'delta').every((e) => e.content !== ''), label).toBe(true);
    expect(out.events.slice(-2), label).toEqual([
      { type: 'finish', reason: want.finish },
      { type: 'usage', promptTokens: want.usage[0], completionTokens: want.usage[1] },
    ]);
    expect(out.events.filter((e) => e.type !== 'delta'), label).toHaveLength(2);
    const sent = ChatCompletionRequestSchema.parse(JSON.parse(out.sentBody));
    expect(sent.stream && sent.stream_options?.include_usage, label).toBe(true);
  });
}

async function expectHttpError(file: string, status: number, code: ErrorCode, messagePart: string) {
  await eachSplit(await readEngineVector(file), async (pieces, label) => {
    const out = await streamVia(status, JSON_TYPE, pieces);
    expect(out.events, label).toEqual([]);
    expect(isCocoonError(out.error, code), `${label}: ${String(out.error)}`).toBe(true);
    expect(String(out.error), label).toContain(messagePart);
  });
}

describe('engine client against recorded engine responses', () => {
  it('vllm-chat-stream-usage.sse: final usage-only chunk', () =>
    expectStream('vllm-chat-stream-usage.sse', SSE, { text: 'Okay.', finish: 'stop', usage: [13, 3] }));

  it('vllm-0.6-chat-stream-continuous-usage.sse: usage on every chunk, reported once', () =>
    expectStream('vllm-0.6-chat-stream-continuous-usage.sse', SSE, {
      text: "Hello Sam. It's nice to meet you. Is there something I can help you with or would you like to chat?",
      finish: 'stop',
      usage: [46, 26],
    }));

  it('ollama-chat-stream-usage.EXCERPT.sse: role on every chunk, finish "length"', () =>
    expectStream('ollama-chat-stream-usage.EXCERPT.sse', SSE, { text: 'Hello', finish: 'length', usage: [17, 40] }));

  it('vllm-0.6-chat-nonstream-usage.json: an engine that ignores stream:true', () =>
    expectStream('vllm-0.6-chat-nonstream-usage.json', JSON_TYPE, {
      text: 'Random Number Generator Produces Smallest Possible Result',
      finish: 'stop',
      usage: [146, 10],
    }));

  it('vllm-chat-stream-midstream-error.RECONSTRUCTED.sse: deltas, then engine.stream_failed', async () => {
    await eachSplit(await readEngineVector('vllm-chat-stream-midstream-error.RECONSTRUCTED.sse'), async (pieces, label) => {
      const out = await streamVia(200, SSE, pieces);
      expect(out.events, label).toEqual([{ type: 'delta', content: 'Hello' }]);
      expect(isCocoonError(out.error, 'engine.stream_failed'), label).toBe(true);
      expect(String(out.error), label).toContain('Internal server error');
    });
  });

  it('vllm-chat-stream-tool-call.RECONSTRUCTED.sse: tool-call pieces and finish "tool_calls"', async () => {
    await eachSplit(await readEngineVector('vllm-chat-stream-tool-call.RECONSTRUCTED.sse'), async (pieces, label) => {
      const out = await streamVia(200, SSE, pieces);
      expect(out.error, label).toBeUndefined();
      expect(out.events, label).toEqual([
        { type: 'tool_call', index: 0, id: 'chatcmpl-tool-5b1f0c2ad7e34c1b9a8e6f4d2c0b1a99', name: 'get_weather' },
        { type: 'tool_call', index: 0, arguments: '{"city": "' },
        { type: 'tool_call', index: 0, arguments: 'Paris' },
        { type: 'tool_call', index: 0, arguments: '", "unit": "celsius"}' },
        { type: 'finish', reason: 'tool_calls' },
        { type: 'usage', promptTokens: 180, completionTokens: 21 },
      ]);
    });
  });

  it('says when the engine has taken the request: once, before its first event; never for a refusal', async () => {
    const seen: string[] = [];
    const ok = await serveReplay({ status: 200, contentType: SSE, pieces: [await readEngineVector('vllm-chat-stream-usage.sse')] });
    try {
      for await (const ev of createEngineClient({ baseUrl: ok.url }).streamChat(request, undefined, { onResponse: () => seen.push('response') })) seen.push(ev.type);
    } finally {
      await ok.close();
    }
    expect(seen[0]).toBe('response');
    expect(seen.filter((s) => s === 'response')).toHaveLength(1);
    expect(seen).toContain('delta');
    const refused = await serveReplay({ status: 404, contentType: JSON_TYPE, pieces: [await readEngineVector('vllm-error-404-unknown-model.json')] });
    let called = false;
    try {
      await expect((async () => {
        for await (const _ of createEngineClient({ baseUrl: refused.url }).streamChat(request, undefined, { onResponse: () => (called = true) })) void _;
      })()).rejects.toMatchObject({ code: 'engine.model_not_found' });
    } finally {
      await refused.close();
    }
    expect(called).toBe(false);
  });

  it('vllm-error-404-unknown-model.json: engine.model_not_found', () =>
    expectHttpError('vllm-error-404-unknown-model.json', 404, 'engine.model_not_found', 'does-not-exist-model'));

  it('vllm-error-400-context-length.json: engine.bad_request', () =>
    expectHttpError('vllm-error-400-context-length.json', 400, 'engine.bad_request', 'maximum context length is 196608'));

  it('vllm-legacy-error-400-context-length.flat.json: the flat form, engine.bad_request', () =>
    expectHttpError('vllm-legacy-error-400-context-length.flat.json', 400, 'engine.bad_request', 'maximum context length is 32768'));

  it('llamacpp-error-400-exceed-context.json: engine.bad_request', () =>
    expectHttpError('llamacpp-error-400-exceed-context.json', 400, 'engine.bad_request', 'exceeds the available context size'));

  it('vllm-0.9.2-models.pretty.json: listModels', async () => {
    await eachSplit(await readEngineVector('vllm-0.9.2-models.pretty.json'), async (pieces, label) => {
      const server = await serveReplay({ status: 200, contentType: JSON_TYPE, pieces });
      try {
        const models = await createEngineClient({ baseUrl: `${server.url}/v1/` }).listModels();
        expect(models, label).toEqual([{ id: 'Qwen/Qwen3-0.6B', maxModelLen: 8192 }]);
        expect(server.requests[0], label).toMatchObject({ method: 'GET', path: '/v1/models' });
      } finally {
        await server.close();
      }
    });
  });
});

describe('engine client on broken streams and failures', () => {
  const usageVector = () => readEngineVector('vllm-chat-stream-usage.sse').then((b) => b.toString('utf8'));
  const bytes = (s: string) => new TextEncoder().encode(s);

  it('reads CRLF line ends, comments and multi-line data', async () => {
    const text = (await usageVector())
      .replace('data: {"id"', ': keep-alive\n\ndata: {"id"')
      .replaceAll('\n', '\r\n');
    await eachSplit(bytes(text), async (pieces, label) => {
      const out = await streamVia(200, SSE, pieces);
      expect(out.text, label).toBe('Okay.');
    });
    const multiLine = 'data: {"choices":[{"index":0,\ndata: "delta":{"content":"Hi"}}]}\n\n'
      + 'data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}\n\n'
      + 'data: [DONE]\n\n';
    expect((await streamVia(200, SSE, [bytes(multiLine)])).text).toBe('Hi');
  });

  it('fails with engine.stream_failed when [DONE] or usage never comes', async () => {
    const text = await usageVector();
    const truncated = text.slice(0, text.indexOf('data: [DONE]'));
    const noUsage = text.replace(/data: \{[^\n]*"usage"[^\n]*\n\n/, '');
    for (const broken of [truncated, noUsage, 'data: {not json}\n\n']) {
      const out = await streamVia(200, SSE, splitRandomly(bytes(broken), seededRandom(7)));
      expect(isCocoonError(out.error, 'engine.stream_failed'), String(out.error)).toBe(true);
      expect(out.events.some((e) => e.type === 'finish' || e.type === 'usage')).toBe(false);
    }
    expect((await streamVia(200, SSE, [bytes(truncated)])).text).toBe('Okay.');
  });

  it('maps a 5xx or an unreachable engine to engine.unavailable', async () => {
    const out = await streamVia(503, 'text/plain', [bytes('overloaded')]);
    expect(isCocoonError(out.error, 'engine.unavailable')).toBe(true);
    expect(String(out.error)).toContain('overloaded');
    const closed = await serveReplay({ status: 200, contentType: SSE, pieces: [] });
    await closed.close();
    await expect(createEngineClient({ baseUrl: closed.url }).listModels()).rejects.toSatisfy((e) =>
      isCocoonError(e, 'engine.unavailable'));
  });

  it('sends the API key and rethrows the caller\'s abort unchanged', async () => {
    const server = await serveReplay({ status: 200, contentType: SSE, pieces: [bytes((await usageVector()).split('\n\n').slice(0, 2).join('\n\n') + '\n\n')] });
    const seen: string[] = [];
    const client = createEngineClient({
      baseUrl: server.url,
      apiKey: 'k-123',
      fetch: (url, init) => {
        seen.push(new Headers(init.headers).get('authorization') ?? '');
        return fetch(url, init);
      },
    });
    const abort = new AbortController();
    const events: EngineEvent[] = [];
    await expect(async () => {
      for await (const ev of client.streamChat(request, abort.signal)) {
        events.push(ev);
        abort.abort(new Error('user went away'));
      }
    }).rejects.toThrow('user went away');
    expect(events[0]).toEqual({ type: 'delta', content: 'Okay' });
    await server.close();
    expect(seen).toEqual(['Bearer k-123']);
  });
});

describe('engine client: counting prompt tokens (POST /tokenize, vLLM\'s shape)', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  const tokenized = JSON.stringify({ count: 7, max_model_len: 2048, tokens: [1, 2, 3, 4, 5, 6, 7] });

  it('posts the model and messages to /tokenize at the server root and returns the count', async () => {
    const server = await serveReplay({ status: 200, contentType: JSON_TYPE, pieces: [bytes(tokenized)] });
    try {
      expect(await createEngineClient({ baseUrl: `${server.url}/v1` }).countPromptTokens(request)).toBe(7);
      expect(server.requests).toEqual([{ method: 'POST', path: '/tokenize', body: JSON.stringify({ model: 'm', messages: request.messages }) }]);
    } finally {
      await server.close();
    }
  });

  it('is null for an engine without the endpoint, and an engine error otherwise', async () => {
    for (const status of [404, 405, 501]) {
      const server = await serveReplay({ status, contentType: JSON_TYPE, pieces: [bytes('{"detail":"Not Found"}')] });
      await expect(createEngineClient({ baseUrl: server.url }).countPromptTokens(request), String(status)).resolves.toBeNull();
      await server.close();
    }
    const failing = await serveReplay({ status: 503, contentType: 'text/plain', pieces: [bytes('overloaded')] });
    await expect(createEngineClient({ baseUrl: failing.url }).countPromptTokens(request)).rejects.toSatisfy((e) => isCocoonError(e, 'engine.unavailable'));
    await failing.close();
    const odd = await serveReplay({ status: 200, contentType: JSON_TYPE, pieces: [bytes('{"tokens":"many"}')] });
    await expect(createEngineClient({ baseUrl: odd.url }).countPromptTokens(request)).rejects.toSatisfy((e) => isCocoonError(e, 'engine.unavailable'));
    await odd.close();
  });
});
