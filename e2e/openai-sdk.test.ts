import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeClaims } from '@cocoon/shared/attestation/claims';
import { generateSigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { costOf } from '@cocoon/shared/pricing';
import { HostBundleResponseSchema, MeResponseSchema } from '@cocoon/shared/protocol/api';
import { CreateApiKeyResponseSchema } from '@cocoon/shared/protocol/developer';
import { fromB64u, fromUtf8, toB64u } from '@cocoon/shared/protocol/encoding';
import { TokenizeResponseSchema } from '@cocoon/shared/protocol/openai-chat';
import { SignedReceiptSchema, type SignedReceipt } from '@cocoon/shared/protocol/receipt';
import { verifyReceipt } from '@cocoon/shared/receipt';
import { startDevProxy } from '@cocoon/dev/dev-proxy';
import { startStack, type Stack } from '@cocoon/dev/stack';
import { createProxy, type Proxy } from '@cocoon/proxy/proxy';
import type { ProxyConfig } from '@cocoon/proxy/config';
import { verifyRequest } from '@cocoon/proxy/verify-command';
import { openSession, signedInitData } from './support/chat-client';
import { startRecordingProxy } from './support/recording-proxy';

/**
 * The developer path end to end: the official `openai` SDK (and curl), changed only in `baseURL`
 * and `apiKey`, against the real proxy, broker and host agent, with the host verified under a
 * signed operator policy.
 */
const BOT = '7000000004:OPENAI-SDK-token-not-secret-AAAAAAAAAA';
const MODEL = 'cocoon-demo-bigram';
const price = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };
const run = promisify(execFile);
const quiet = new Writable({ write: (_c, _e, cb) => cb() });
const weatherTool = {
  type: 'function' as const,
  function: { name: 'get_weather', description: 'The weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
};

describe('OpenAI SDK and curl through cocoon-proxy', () => {
  let stack: Stack;
  let dir: string;
  let session: string;
  let key: string;
  let proxyUrl: string;
  let proxyConfig: ProxyConfig;
  let proxy: Proxy;
  let client: OpenAI;
  let signingKey: Uint8Array;
  const others: Proxy[] = [];

  const developer = async (path: string, body: unknown) => {
    const res = await fetch(`${stack.url}/api/developer/${path}`, { method: 'POST', headers: { authorization: `Bearer ${session}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };
  const createKey = async (name: string, limits: { total?: string; daily?: string; perRequest?: string } = {}) =>
    CreateApiKeyResponseSchema.parse(await developer('keys', { name, limits: { total: null, daily: null, perRequest: null, ...limits } }));
  const me = async () => MeResponseSchema.parse(await (await fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${key}` } })).json());
  const receiptOf = (header: string | null): SignedReceipt => SignedReceiptSchema.parse(JSON.parse(fromUtf8(fromB64u(header ?? ''))));
  const settledRecord = async (requestId: string) => {
    for (let i = 0; i < 200; i++) {
      const record = await proxy.receipts.find(requestId);
      if (record) return record;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`no settlement recorded for ${requestId}`);
  };
  const otherProxy = async (over: Partial<ProxyConfig>) => {
    const p = createProxy({ ...proxyConfig, port: 0, dataDir: join(dir, `proxy-${others.length}`), ...over });
    others.push(p);
    return (await p.start()).url;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cocoon-openai-'));
    stack = await startStack({ dataDir: join(dir, 'pglite'), botToken: BOT, operatorPolicy: true, logLevel: 'warn', logStream: quiet, hostOutput: () => {} });
    session = (await openSession(stack.url, signedInitData(BOT, { id: 4242, first_name: 'Dev' }))).token;
    key = (await createKey('sdk test')).secret;
    // A max price of 20 credits per request: a long prompt's worst case fits.
    ({ proxy, url: proxyUrl, config: proxyConfig } = await startDevProxy(stack, { credential: key, dataDir: join(dir, 'proxy'), logLevel: 'silent', maxPrice: 20_000_000n }));
    // `apiKey` is the key itself: the proxy sends a client's own sk-cocoon- key to the broker.
    client = new OpenAI({ baseURL: proxyUrl, apiKey: key });
    const bundle = HostBundleResponseSchema.parse(await (await fetch(`${stack.url}/api/hosts/${stack.hostId}/bundle`, { headers: { authorization: `Bearer ${key}` } })).json());
    signingKey = fromB64u(decodeClaims(bundle.bundle.claims).claims.signingPublicKey);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([proxy, ...others].map((p) => p?.close()));
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the models with their context length and price', async () => {
    const models = await client.models.list();
    expect(models.data).toHaveLength(1);
    expect(models.data[0]).toMatchObject({ id: MODEL, object: 'model', owned_by: 'cocoon', context_length: 2048, pricing: { prompt: '1000000000', completion: '2000000000' } });
    expect(await client.models.retrieve(MODEL)).toMatchObject({ id: MODEL, context_length: 2048 });
  });

  it('answers a completion in OpenAI\'s format, names its host, and carries the enclave-signed receipt it was charged by', async () => {
    const before = await me();
    const { data, response, request_id } = await client.chat.completions
      .create({ model: MODEL, messages: [{ role: 'system', content: 'Answer briefly.' }, { role: 'user', content: 'What does the license say?' }], max_tokens: 24, seed: 3 })
      .withResponse();
    expect(data).toMatchObject({ object: 'chat.completion', model: MODEL, choices: [{ index: 0, message: { role: 'assistant' }, logprobs: null }] });
    expect(data.id).toBe(`chatcmpl-${request_id}`);
    expect(data.choices[0]!.message.content!.length).toBeGreaterThan(0);
    expect(['stop', 'length']).toContain(data.choices[0]!.finish_reason);
    expect(response.headers.get('x-cocoon-host')).toBe(stack.hostId);
    const receipt = receiptOf(response.headers.get('x-cocoon-receipt'));
    expect(await verifyReceipt(receipt, signingKey)).toBe(true);
    expect(receipt.receipt).toMatchObject({ jobId: request_id, hostId: stack.hostId, model: MODEL });
    // Usage is the engine's, as the enclave signed it; the charge is exactly its cost.
    expect(data.usage).toEqual({ prompt_tokens: receipt.receipt.promptTokens, completion_tokens: receipt.receipt.completionTokens, total_tokens: receipt.receipt.promptTokens + receipt.receipt.completionTokens });
    expect(data.usage!.completion_tokens).toBeLessThanOrEqual(24);
    const after = await me();
    expect([before.balance - after.balance, after.held]).toEqual([costOf(price, receipt.receipt), 0n]);
    // `cocoon-proxy verify` re-checks it against the local record and the broker's.
    const report = await verifyRequest(proxyConfig, request_id!);
    expect(report.checks.map((c) => [c.name, c.ok])).toEqual([
      ['local.record', true], ['receipt.signature', true], ['receipt.charge', true], ['broker.record', true], ['broker.receipt', true], ['broker.charge', true],
    ]);
    // The same from the command line; a request id it never served is not verified.
    const cli = (id: string) => run(process.execPath, ['--import', 'tsx', 'proxy/main.ts', 'verify', id, '--broker', stack.url, '--key', key, '--data-dir', proxyConfig.dataDir]);
    const verified = (await cli(data.id)).stdout;
    expect(verified).toMatch(/✓ broker\.receipt: .*\n✓ broker\.charge: .*\nverified\n$/);
    expect(verified).not.toContain('✗');
    await expect(cli(crypto.randomUUID())).rejects.toMatchObject({ code: 1, stdout: expect.stringMatching(/✗ local\.record/) });
  });

  it('streams chunks in OpenAI\'s format with usage last, the same answer as unstreamed', async () => {
    const ask = { model: MODEL, messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'Tell me about' }, { type: 'text' as const, text: 'free software.' }] }], max_completion_tokens: 20, temperature: 0, seed: 5 };
    const whole = await client.chat.completions.create(ask);
    const { data: stream, response } = await client.chat.completions.create({ ...ask, stream: true, stream_options: { include_usage: true } }).withResponse();
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('x-cocoon-host')).toBe(stack.hostId);
    expect(chunks[0]!.choices[0]!.delta).toMatchObject({ role: 'assistant', content: '' });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === MODEL)).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(whole.choices[0]!.message.content);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0]).toMatchObject({ delta: {}, finish_reason: whole.choices[0]!.finish_reason });
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual(whole.usage);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('round-trips a tool call: the model calls the tool, streamed and not, and answers its result', async () => {
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'developer', content: 'Use tools when asked.' }, { role: 'user', content: 'Use get_weather for Paris' }];
    const called = await client.chat.completions.create({ model: MODEL, messages, tools: [weatherTool], tool_choice: 'auto', max_tokens: 64 });
    const choice = called.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls![0]!;
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(call.type === 'function' && JSON.parse(call.function.arguments)).toEqual({ city: 'Paris' });

    const stream = await client.chat.completions.create({ model: MODEL, messages, tools: [weatherTool], max_tokens: 64, stream: true });
    let args = '';
    let finish: string | null = null;
    let name: string | undefined;
    for await (const chunk of stream) {
      for (const d of chunk.choices[0]?.delta.tool_calls ?? []) {
        expect(d.index).toBe(0);
        name ??= d.function?.name;
        args += d.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([name, JSON.parse(args), finish]).toEqual(['get_weather', { city: 'Paris' }, 'tool_calls']);

    const answered = await client.chat.completions.create({
      model: MODEL,
      messages: [...messages, choice.message, { role: 'tool', tool_call_id: call.id, content: 'Sunny, 21 C' }],
      tools: [weatherTool],
      max_tokens: 12,
      seed: 1,
    });
    expect(answered.choices[0]!.finish_reason).not.toBe('tool_calls');
    expect(answered.choices[0]!.message.content!.length).toBeGreaterThan(0);
  });

  it('an answer aborted mid-stream is charged its prompt and the tokens produced, nothing more', async () => {
    // About 1,350 tokens of the demo model's 2,048: the prompt is most of the job's cost.
    const content = `Write a long essay about software freedom. ${'The license grants the freedom to run, study, share and modify the software. '.repeat(60)}`;
    const before = await me();
    const { data: stream, request_id } = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content }], max_tokens: 400, stream: true }).withResponse();
    let received = 0;
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) received++;
      if (received === 2) break; // leaving the loop aborts the request
    }
    const record = await settledRecord(request_id!);
    const tokenized = await fetch(new URL('/tokenize', stack.engine.url), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }] }),
    }).then(async (r) => TokenizeResponseSchema.parse(await r.json()));
    const r = record.receipt.receipt;
    expect(r).toMatchObject({ finishReason: 'cancelled', promptTokens: tokenized.count });
    expect(r.completionTokens).toBeGreaterThanOrEqual(received);
    expect(r.completionTokens).toBeLessThan(400);
    expect(await verifyReceipt(record.receipt, signingKey)).toBe(true);
    const after = await me();
    expect([before.balance - after.balance, after.held]).toEqual([costOf(price, r), 0n]);
    expect(record.charged).toBe(costOf(price, r));
  });

  it('answers an unknown model with NotFoundError', async () => {
    const e = await client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.NotFoundError);
    expect(e).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
  });

  it('refuses what it cannot do with a 400 naming the parameter', async () => {
    const cases: [Partial<OpenAI.ChatCompletionCreateParamsNonStreaming>, string][] = [
      [{ n: 2 }, 'n'],
      [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] }, 'messages[0].content[0]'],
      [{ modalities: ['text', 'audio'], audio: { voice: 'alloy', format: 'mp3' } }, 'audio'],
    ];
    for (const [over, param] of cases) {
      const e = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], ...over }).catch((x: unknown) => x);
      expect(e, param).toBeInstanceOf(OpenAI.BadRequestError);
      expect(e, param).toMatchObject({ status: 400, param });
    }
  });

  it('a revoked key gets AuthenticationError', async () => {
    const { key: row, secret } = await createKey('revoked soon');
    const revocable = new OpenAI({ baseURL: proxyUrl, apiKey: secret, maxRetries: 0 });
    await revocable.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 });
    await developer(`keys/${row.id}/revoke`, {});
    const e = await revocable.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 4 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(String((e as Error).message)).toMatch(/revoked/);
  });

  it('over budget gets a 402 that names the budget: the key\'s per-request cap, its total, the proxy\'s max price', async () => {
    const capped = new OpenAI({ baseURL: proxyUrl, apiKey: (await createKey('capped', { perRequest: '100000' })).secret, maxRetries: 0 });
    const e1 = await capped.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 64 }).catch((x: unknown) => x);
    expect(e1).toBeInstanceOf(OpenAI.APIError);
    expect(e1).toMatchObject({ status: 402, code: 'apikey.request_cap_exceeded' });
    expect(String((e1 as Error).message)).toMatch(/per-request cap.*capped/);

    const spent = new OpenAI({ baseURL: proxyUrl, apiKey: (await createKey('small budget', { total: '2000000' })).secret, maxRetries: 0 });
    const e2 = await spent.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 600 }).catch((x: unknown) => x);
    expect(e2).toMatchObject({ status: 402, code: 'apikey.budget_exceeded' });
    expect(String((e2 as Error).message)).toMatch(/total budget.*small budget/);

    const cheap = new OpenAI({ baseURL: await otherProxy({ maxPrice: 500_000n }), apiKey: key, maxRetries: 0 });
    const e3 = await cheap.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 64 }).catch((x: unknown) => x);
    expect(e3).toMatchObject({ status: 402, code: 'over_budget' });
    expect(String((e3 as Error).message)).toMatch(/max price per request of 0\.5 credits \(--max-price\)/);
  });

  it('works the same with plain curl, streamed and not', async () => {
    const body = JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 8 });
    const headers = ['-H', `authorization: Bearer ${key}`, '-H', 'content-type: application/json'];
    const plain = await run('curl', ['-sS', '-i', `${proxyUrl}/chat/completions`, ...headers, '-d', body]);
    const [head, json] = plain.stdout.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    expect(head).toMatch(new RegExp(`x-cocoon-host: ${stack.hostId}`, 'i'));
    const receipt = receiptOf(/x-cocoon-receipt: (\S+)/i.exec(head!)?.[1] ?? null);
    expect(await verifyReceipt(receipt, signingKey)).toBe(true);
    expect(JSON.parse(json!)).toMatchObject({ object: 'chat.completion', usage: { completion_tokens: receipt.receipt.completionTokens } });

    const streamed = await run('curl', ['-sS', '-N', `${proxyUrl}/chat/completions`, ...headers, '-d', body.replace('"max_tokens"', '"stream":true,"max_tokens"')]);
    const events = streamed.stdout.split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const comment = events.at(-2)!;
    expect(comment).toMatch(/^: cocoon-receipt /);
    const streamedReceipt = receiptOf(comment.slice(': cocoon-receipt '.length));
    expect(await verifyReceipt(streamedReceipt, signingKey)).toBe(true);
    expect(events.slice(0, -2).every((e) => e.startsWith('data: {"id":"chatcmpl-'))).toBe(true);

    const unauthorized = await run('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `${proxyUrl}/chat/completions`, '-H', 'content-type: application/json', '-H', 'origin: https://evil.example', '-d', body]);
    expect(unauthorized.stdout).toBe('403'); // a web page cannot use the proxy
  });

  it('refuses before anything is sent when the policy is not signed by the pinned key', async () => {
    const recorder = await startRecordingProxy(new URL(stack.url));
    try {
      const stranger = toB64u((await generateSigningKeyPair()).publicKey);
      const pinnedElsewhere = new OpenAI({ baseURL: await otherProxy({ brokerUrl: recorder.url, policyKeys: [stranger] }), apiKey: key, maxRetries: 0 });
      const before = await me();
      const e = await pinnedElsewhere.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'a secret prompt' }], max_tokens: 8 }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(OpenAI.InternalServerError);
      expect(e).toMatchObject({ status: 503, code: 'attestation.policy_invalid' });
      expect(String((e as Error).message)).toMatch(/not signed by a pinned operator key/);
      const traffic = recorder.traffic().toString('latin1');
      expect(traffic).toContain('GET /api/attestation/policy');
      expect(traffic).not.toContain('/api/ws');
      expect(traffic).not.toContain('/bundle');
      expect(await me()).toEqual(before);
    } finally {
      await recorder.close();
    }
  });
});
