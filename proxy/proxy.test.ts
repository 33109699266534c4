import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { fromB64u, fromUtf8 } from '@cocoon/shared/protocol/encoding';
import { SignedReceiptSchema } from '@cocoon/shared/protocol/receipt';
import type { ProxyConfig } from './config';
import { createLogger } from './logger';
import { createProxy, type Proxy } from './proxy';
import { MODEL, startStubBroker, tamperedClaims, type StubBroker, type StubHost } from './tests/stub-broker';

/**
 * The proxy against a stand-in broker and stand-in hosts that speak the real protocol: host
 * choice and retries, refusal before anything is sent, the receipt checks, OpenAI's formats.
 */
const answer = (text: string): StubHost['behaviour'] => ({ kind: 'answer', pieces: [{ type: 'delta', text }] });
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(hosts: StubHost[], over: Partial<ProxyConfig> = {}, policy?: Parameters<typeof startStubBroker>[0]['policy']) {
  const broker = await startStubBroker({ hosts, policy });
  const dataDir = mkdtempSync(join(tmpdir(), 'cocoon-proxy-'));
  const config: ProxyConfig = {
    port: 0, brokerUrl: broker.url, apiKey: 'sk-cocoon-test-key-0123456789', policyKeys: [broker.operatorKey], allowSimulated: true,
    allowUnverifiedDev: false, maxPrice: 5_000_000n, dataDir, logLevel: 'silent', ...over,
  };
  const proxy: Proxy = createProxy(config, { logger: createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() })) });
  const { url } = await proxy.start();
  cleanups.push(() => broker.close(), () => proxy.close(), () => rmSync(dataDir, { recursive: true, force: true }));
  const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 16, ...body }) });
  return { broker, proxy, url, chat };
}

const sent = (broker: StubBroker) => broker.log.filter((l) => l === 'ws job.create').length;

describe('cocoon-proxy against a stand-in broker', () => {
  it('tries the hosts in the broker\'s order and, when one refuses before its first token, the next verified one', async () => {
    const { broker, chat } = await setup([
      { hostId: 'host-busy', priceCoefficientMilli: 900, behaviour: { kind: 'refuse', code: 'host.busy' } },
      { hostId: 'host-free', priceCoefficientMilli: 1500, behaviour: answer('from the free host') },
    ]);
    const res = await chat({});
    expect(res.status).toBe(200);
    expect(res.headers.get('x-cocoon-host')).toBe('host-free');
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toBe('from the free host');
    expect(sent(broker)).toBe(2);
    expect(broker.opened).toHaveLength(1);
  });

  it.each([['drops the job after starting it', { kind: 'drop' }], ['has its engine fail', { kind: 'engine_fails' }]] as const)(
    'fails over, unseen, when the first host %s before its first token: the answer is the second host\'s, under a new job id',
    async (_what, behaviour) => {
      const { broker, chat } = await setup([
        { hostId: 'host-first', priceCoefficientMilli: 1000, behaviour },
        { hostId: 'host-second', priceCoefficientMilli: 1000, behaviour: answer('from the second host') },
      ]);
      const res = await chat({ stream: true });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-cocoon-host')).toBe('host-second');
      const events = (await res.text()).split('\n\n').filter((e) => e.startsWith('data: {'));
      const chunks = events.map((e) => JSON.parse(e.slice(6)) as { id: string; choices: { delta: { content?: string } }[] });
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('from the second host');
      expect(broker.jobs.map((j) => j.hostId)).toEqual(['host-first', 'host-second']);
      const [first, second] = broker.jobs.map((j) => j.jobId);
      expect(first).not.toBe(second);
      expect(new Set(chunks.map((c) => c.id))).toEqual(new Set([`chatcmpl-${second}`]));
      expect(broker.opened).toHaveLength(2);
    },
  );

  it('sends one message as three jobs at most', async () => {
    const drop = { kind: 'drop' } as const;
    const { broker, chat } = await setup(['a', 'b', 'c', 'd'].map((id) => ({ hostId: `host-${id}`, priceCoefficientMilli: 1000, behaviour: drop })));
    const res = await chat({});
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 'job.host_gone' } });
    expect(broker.jobs.map((j) => j.hostId)).toEqual(['host-a', 'host-b', 'host-c']);
  });

  it('never fails over once an answer piece was relayed', async () => {
    const { broker, chat } = await setup([
      { hostId: 'host-first', priceCoefficientMilli: 1000, behaviour: { kind: 'answer_then_drop', text: 'half an answer' } },
      { hostId: 'host-second', priceCoefficientMilli: 1000, behaviour: answer('unused') },
    ]);
    const res = await chat({});
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 'job.host_gone' } });
    expect(sent(broker)).toBe(1);
  });

  it('fails the job a malformed chunk frame names, and cancels it', async () => {
    const { broker, chat } = await setup([
      { hostId: 'host-first', priceCoefficientMilli: 1000, behaviour: { kind: 'malformed_frame' } },
      { hostId: 'host-second', priceCoefficientMilli: 1000, behaviour: answer('unused') },
    ]);
    const res = await chat({});
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(await res.json()).toMatchObject({ error: { code: 'protocol.malformed_message' } });
    expect(sent(broker)).toBe(1);
    await expect.poll(() => broker.log).toContain('ws job.cancel');
  });

  it('does not retry a failure that is the request\'s own, and answers it in OpenAI\'s shape', async () => {
    const { broker, chat } = await setup([
      { hostId: 'host-a', priceCoefficientMilli: 1000, behaviour: { kind: 'refuse', code: 'engine.bad_request' } },
      { hostId: 'host-b', priceCoefficientMilli: 1000, behaviour: answer('unused') },
    ]);
    const res = await chat({});
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { message: 'stub host host-a refuses', type: 'invalid_request_error', param: null, code: 'invalid_request' } });
    expect(sent(broker)).toBe(1);
  });

  it('passes tools and sampling to the enclave and streams the tool call back in OpenAI\'s chunks', async () => {
    const pieces = [
      { type: 'tool_call' as const, index: 0, id: 'call_1', name: 'get_weather', arguments: '' },
      { type: 'tool_call' as const, index: 0, arguments: '{"city":' },
      { type: 'tool_call' as const, index: 0, arguments: '"Paris"}' },
    ];
    const { broker, chat } = await setup([{ hostId: 'host-tools', priceCoefficientMilli: 1000, behaviour: { kind: 'answer', pieces, finish: 'tool_calls' } }]);
    const tools = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const res = await chat({ stream: true, stream_options: { include_usage: true }, tools, tool_choice: 'required', stop: 'END', seed: -1, top_p: 0.9, presence_penalty: 1, response_format: { type: 'json_object' } });
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(broker.opened[0]).toMatchObject({ tools, toolChoice: 'required', stop: 'END', seed: 2 ** 31 - 1, topP: 0.9, presencePenalty: 1, responseFormat: { type: 'json_object' } });
    const chunks = events.filter((e) => e.startsWith('data: {')).map((e) => JSON.parse(e.slice(6)) as { choices: { delta: unknown; finish_reason: string | null }[]; usage: unknown });
    expect(chunks.map((c) => c.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"city":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"Paris"}' } }] },
      {},
      undefined,
    ]);
    expect(chunks[4]!.choices[0]!.finish_reason).toBe('tool_calls');
    expect(chunks.at(-1)!.usage).toEqual({ prompt_tokens: 7, completion_tokens: 3, total_tokens: 10 });
    expect(events.at(-2)).toMatch(/^: cocoon-receipt /);
    const receipt = SignedReceiptSchema.parse(JSON.parse(fromUtf8(fromB64u(events.at(-2)!.slice(': cocoon-receipt '.length)))));
    expect(receipt.receipt).toMatchObject({ hostId: 'host-tools', finishReason: 'tool_calls' });
    expect(events.at(-1)).toBe('data: [DONE]');
  });

  it('refuses, before sending anything, a host whose claims were changed after they were quoted', async () => {
    const { broker, chat } = await setup([{ hostId: 'host-forged', priceCoefficientMilli: 1000, behaviour: answer('never'), bundle: tamperedClaims }]);
    const res = await chat({ messages: [{ role: 'user', content: 'a secret prompt' }] });
    expect(res.status).toBe(503);
    expect(res.headers.get('x-should-retry')).toBe('false');
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe('attestation.report_data_mismatch');
    expect(error.message).toMatch(/host host-forged failed attestation \(claims\.report_data_binding\)/);
    expect(broker.log.some((l) => l.startsWith('UPGRADE'))).toBe(false);
  });

  it('refuses expired claims, an expired policy, and a simulated host without its consent', async () => {
    const expired = await setup([{ hostId: 'host-old', priceCoefficientMilli: 1000, behaviour: answer('never'), claimsTtlS: -1 }]);
    expect(await (await expired.chat({})).json()).toMatchObject({ error: { code: 'attestation.claims_expired' } });
    const oldPolicy = await setup([{ hostId: 'host-a', priceCoefficientMilli: 1000, behaviour: answer('never') }], {}, { expiresAt: Math.floor(Date.now() / 1000) - 10 });
    expect(await (await oldPolicy.chat({})).json()).toMatchObject({ error: { code: 'attestation.policy_expired' } });
    const noConsent = await setup([{ hostId: 'host-a', priceCoefficientMilli: 1000, behaviour: answer('never') }], { allowSimulated: false });
    expect(await (await noConsent.chat({})).json()).toMatchObject({ error: { code: 'attestation.simulated_not_allowed' } });
    for (const s of [expired, oldPolicy, noConsent]) expect(s.broker.log.some((l) => l.startsWith('UPGRADE'))).toBe(false);
  });

  it('refuses without pinned keys unless the broker is a development broker', async () => {
    const { broker, chat } = await setup([{ hostId: 'host-a', priceCoefficientMilli: 1000, behaviour: answer('never') }], { policyKeys: [], allowUnverifiedDev: true });
    const res = await chat({});
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: { code: 'attestation.policy_invalid', message: expect.stringMatching(/not a development broker/) } });
    expect(broker.log).toContain('GET /api/dev/init-data');
    expect(sent(broker)).toBe(0);
  });

  it('fails a receipt not signed by the attested key with a 502, after the answer was relayed', async () => {
    const { chat } = await setup([{ hostId: 'host-a', priceCoefficientMilli: 1000, behaviour: { kind: 'forged_receipt' } }]);
    const res = await chat({});
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: { code: 'receipt.signature_invalid' } });
  });

  it('keeps every answer off the web: a request with an Origin or another Host is refused', async () => {
    const { url, chat, broker } = await setup([{ hostId: 'host-a', priceCoefficientMilli: 1000, behaviour: answer('x') }]);
    expect((await chat({}, { origin: 'https://evil.example' })).status).toBe(403);
    const form = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' });
    expect(form.status).toBe(415);
    expect(sent(broker)).toBe(0);
  });
});
