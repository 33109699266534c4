import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isCocoonError } from '@cocoon/shared/errors';
import { ChatCompletionSchema, NestedErrorBodySchema, TokenizeResponseSchema } from '@cocoon/shared/protocol/openai-chat';
import { createBuiltinEngine, type BuiltinEngine } from './builtin-engine';
import { DEMO_MODEL_NAME, ensureDemoModel } from './demo-model/build-demo-model';
import { createEngineClient, type EngineChatRequest, type EngineClient, type EngineEvent } from '@cocoon/host/engine/engine-client';

let cacheDir: string;
let engine: BuiltinEngine;
let client: EngineClient;
const LogLine = z.record(z.string(), z.unknown());
const logs: Array<z.infer<typeof LogLine>> = [];

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'cocoon-engine-'));
  const model = await ensureDemoModel(cacheDir);
  const logger = pino({ level: 'info' }, { write: (line: string) => { logs.push(LogLine.parse(JSON.parse(line))); } });
  engine = createBuiltinEngine({ modelPath: model.path, modelName: model.name, logger });
  client = createEngineClient({ baseUrl: (await engine.start()).url });
});

afterAll(async () => {
  await engine?.close();
  await rm(cacheDir, { recursive: true, force: true });
});

const ask = (content: string, extra: Partial<EngineChatRequest> = {}): EngineChatRequest =>
  ({ model: DEMO_MODEL_NAME, messages: [{ role: 'user', content }], ...extra });

async function answer(req: EngineChatRequest) {
  const events: EngineEvent[] = [];
  for await (const ev of client.streamChat(req)) events.push(ev);
  const text = events.map((e) => (e.type === 'delta' ? e.content : '')).join('');
  const finish = events.find((e) => e.type === 'finish');
  const usage = events.find((e) => e.type === 'usage');
  if (finish?.type !== 'finish' || usage?.type !== 'usage') throw new Error('no finish or usage');
  return { text, finish: finish.reason, usage };
}

/** Every token the demo model generates is one word (with its space) or one punctuation mark. */
const pieces = (text: string): string[] => text.match(/[A-Za-z]+(?:'[A-Za-z]+)?|[.,;:!?()]/g) ?? [];

async function post(body: string) {
  const res = await fetch(`${engine.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: res.status, json: await res.json() };
}

describe('built-in engine (llama.cpp + the generated demo model)', () => {
  it('lists its one model with the context length', async () => {
    expect(await client.listModels()).toEqual([{ id: DEMO_MODEL_NAME, maxModelLen: 2048 }]);
  });

  it('answers a request that offers a tool and asks for it with a tool call, as vLLM streams one', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city'] } } }];
    const events: EngineEvent[] = [];
    for await (const ev of client.streamChat(ask('Use get_weather for Paris.', { tools }))) events.push(ev);
    const calls = events.flatMap((e) => (e.type === 'tool_call' ? [e] : []));
    expect(calls[0]).toMatchObject({ index: 0, name: 'get_weather' });
    expect(JSON.parse(calls.map((c) => c.arguments ?? '').join(''))).toEqual({ city: 'Paris' });
    expect(events.slice(-2)).toMatchObject([{ type: 'finish', reason: 'tool_calls' }, { type: 'usage', completionTokens: calls.length }]);
    // The tool's answer is answered in words; a prompt that names no tool, or tool_choice "none", too.
    const result = [{ role: 'user' as const, content: 'Use get_weather for Paris.' }, { role: 'assistant' as const, content: null, tool_calls: [{ id: calls[0]!.id!, type: 'function' as const, function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] }, { role: 'tool' as const, tool_call_id: calls[0]!.id!, content: 'Sunny, 21 C' }];
    for (const req of [{ ...ask('x'), messages: result, tools }, ask('What is free software?', { tools }), ask('Use get_weather for Paris.', { tools, tool_choice: 'none' })]) {
      const a = await answer({ ...req, max_tokens: 8, seed: 1 });
      expect(a.text.length).toBeGreaterThan(0);
      expect(a.finish).not.toBe('tool_calls');
    }
    const forced = await post(JSON.stringify({ ...ask('Hello', { tools, tool_choice: 'required' }), stream: false }));
    expect(ChatCompletionSchema.parse(forced.json).choices[0]).toMatchObject({ finish_reason: 'tool_calls', message: { content: null, tool_calls: [{ type: 'function', function: { name: 'get_weather', arguments: '{"city":"Hello"}' } }] } });
  });

  it('streams word-like English with real token counts', async () => {
    const a = await answer(ask('What is free software?', { seed: 7 }));
    expect(a.text).toMatch(/^[A-Z(][A-Za-z' ,.;:()!?]+$/);
    expect(pieces(a.text).length).toBeGreaterThan(3);
    // Each generated token is one piece; the stop token counts too, as vLLM counts it.
    expect(a.usage.completionTokens).toBe(pieces(a.text).length + (a.finish === 'stop' ? 1 : 0));
    // Two more known words in the prompt are exactly two more prompt tokens.
    const longer = await answer(ask('What is free software? the program', { seed: 7 }));
    expect(longer.usage.promptTokens).toBe(a.usage.promptTokens + 2);
  });

  it('is deterministic for a seed, and honours max_tokens with finish "length"', async () => {
    const one = await answer(ask('Tell me about the License.', { seed: 42, temperature: 1 }));
    expect(await answer(ask('Tell me about the License.', { seed: 42, temperature: 1 }))).toEqual(one);
    const others = await Promise.all([1, 2, 3].map((seed) => answer(ask('Tell me about the License.', { seed }))));
    expect(others.some((o) => o.text !== one.text)).toBe(true);
    const short = await answer(ask('Tell me about the License.', { max_tokens: 5, temperature: 0 }));
    expect(short).toMatchObject({ finish: 'length', usage: { completionTokens: 5 } });
    expect(pieces(short.text)).toHaveLength(5);
  });

  it('answers the non-streamed form too', async () => {
    const { status, json } = await post(JSON.stringify(ask('Hello', { seed: 7, max_completion_tokens: 12 })));
    expect(status).toBe(200);
    const completion = ChatCompletionSchema.parse(json);
    const content = completion.choices[0]?.message.content ?? '';
    expect(completion.usage.completion_tokens).toBe(pieces(content).length + (completion.choices[0]?.finish_reason === 'stop' ? 1 : 0));
  });

  it('answers errors in vLLM\'s form with the right status', async () => {
    await expect(answer(ask('Hi', { model: 'gpt-4' }))).rejects.toSatisfy((e) => isCocoonError(e, 'engine.model_not_found'));
    const tooLong = ask('the '.repeat(3000));
    await expect(answer(tooLong)).rejects.toSatisfy((e) => isCocoonError(e, 'engine.bad_request') && /maximum context length is 2048/.test(String(e)));
    await expect(answer(ask('Hi', { max_tokens: 5000 }))).rejects.toSatisfy((e) => isCocoonError(e, 'engine.bad_request'));
    for (const body of ['{not json', JSON.stringify({ model: DEMO_MODEL_NAME, messages: [{ role: 'robot', content: 'x' }] })]) {
      const res = await post(body);
      expect(res.status).toBe(400);
      expect(NestedErrorBodySchema.parse(res.json).error).toMatchObject({ type: 'BadRequestError', code: 400 });
    }
  });

  it('stops generating when the client goes away, and serves the next request', async () => {
    const abort = new AbortController();
    // Greedy decoding of this model loops without a sentence end: it would run to the context limit.
    const stream = client.streamChat(ask('Tell me about the License.', { temperature: 0 }), abort.signal);
    await expect(async () => {
      for await (const ev of stream) if (ev.type === 'delta') abort.abort(new Error('gone'));
    }).rejects.toThrow('gone');
    const next = await answer(ask('And now?', { seed: 1 }));
    expect(next.text).not.toBe('');
    const aborted = logs.find((l) => l.msg === 'generation ended' && l.finishReason === 'aborted');
    expect(aborted?.completionTokens).toBeLessThan(1000);
  });

  it('counts a chat\'s prompt tokens at POST /tokenize as vLLM does, the same count its completion reports', async () => {
    const messages = [{ role: 'user' as const, content: 'What does the license say about copies? '.repeat(20) }];
    const counted = await client.countPromptTokens({ model: DEMO_MODEL_NAME, messages });
    const { usage } = await answer({ model: DEMO_MODEL_NAME, messages, max_tokens: 2, seed: 1 });
    expect(counted).toBe(usage.promptTokens);
    expect(counted).toBeGreaterThan(100);
    const tokenize = async (body: unknown) => {
      const res = await fetch(new URL('/tokenize', engine.url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as unknown };
    };
    const plain = await tokenize({ prompt: 'free software' });
    expect(plain.status).toBe(200);
    const body = TokenizeResponseSchema.parse(plain.json);
    expect(body).toMatchObject({ max_model_len: 2048, count: body.tokens.length });
    expect(body.count).toBeGreaterThan(1);
    expect((await tokenize({ model: 'other', prompt: 'x' })).status).toBe(404);
    expect((await tokenize({ model: DEMO_MODEL_NAME })).status).toBe(400);
  });
});
