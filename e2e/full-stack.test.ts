import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponseSchema, MeResponseSchema } from '@cocoon/shared/protocol/api';
import { costOf } from '@cocoon/shared/pricing';
import { TokenizeResponseSchema } from '@cocoon/shared/protocol/openai-chat';
import { startStack, type Stack } from '@cocoon/dev/stack';
import { chat, ChatError, openSession, signedInitData } from './support/chat-client';

/**
 * The real broker (PGlite) and a real host agent process (built-in llama.cpp engine), driven by
 * a Node client that speaks the Mini App's protocol: the paths no unit test can reach.
 */
const BOT = '7000000003:FULLSTACK-token-not-secret-AAAAAAAAAA';
const price = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };
const MODEL = 'cocoon-demo-bigram';
const ask = (content: string) => ({ messages: [{ role: 'user' as const, content }], seed: 3 });

describe('full stack: broker + host agent', () => {
  let stack: Stack;
  let dir: string;
  let userId = 9000;
  const session = async () => (await openSession(stack.url, signedInitData(BOT, { id: ++userId, first_name: 'Full' }))).token;
  const balance = async (token: string) => MeResponseSchema.parse(await (await fetch(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).json());

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cocoon-full-'));
    stack = await startStack({ dataDir: join(dir, 'pglite'), botToken: BOT, logLevel: 'warn', logStream: new Writable({ write: (_c, _e, cb) => cb() }), hostOutput: () => {} });
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('charges exactly the signed receipt, never more than the hold', async () => {
    const token = await session();
    const before = (await balance(token)).balance;
    const r = await chat(stack.url, token, { model: MODEL, request: ask('What does the license say?'), maxTokens: 32 });
    expect(r.text.length).toBeGreaterThan(0);
    expect(r.charged).toBe(costOf(price, r.receipt.receipt));
    expect(r.charged).toBeLessThanOrEqual(r.hold);
    const after = await balance(token);
    expect(after.balance).toBe(before - r.charged);
    expect(after.held).toBe(0n);
    expect(r.balance).toBe(after.balance);
  });

  it('a job cancelled after its first token pays its whole prompt, as the engine counts it, and the tokens streamed', async () => {
    const token = await session();
    const before = (await balance(token)).balance;
    // About 1,350 tokens of the demo model's 2,048: processing the prompt is most of the job's work.
    const content = `Write a long essay about software freedom and licenses. ${'The license grants the freedom to run, study, share and modify the software. '.repeat(60)}`;
    let cancelled = false;
    const r = await chat(stack.url, token, {
      model: MODEL,
      request: ask(content),
      maxTokens: 400,
      onDelta: (cancel) => {
        if (!cancelled) cancel();
        cancelled = true;
      },
    });
    const tokenized = await fetch(new URL('/tokenize', stack.engine.url), {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }] }),
    }).then(async (res) => TokenizeResponseSchema.parse(await res.json()));
    expect(tokenized.count).toBeGreaterThan(1_000);
    expect(r.receipt.receipt).toMatchObject({ finishReason: 'cancelled', promptTokens: tokenized.count, completionTokens: r.deltas });
    expect(r.charged).toBe(costOf(price, r.receipt.receipt));
    expect(r.charged).toBeGreaterThan(costOf(price, { promptTokens: 1_000, completionTokens: 0 }));
    expect(r.charged).toBeLessThanOrEqual(r.hold);
    const after = await balance(token);
    expect([after.balance, after.held]).toEqual([before - r.charged, 0n]);
  });

  it('an answer that fails before its first token costs nothing, and the broker says so', async () => {
    const token = await session();
    const before = (await balance(token)).balance;
    // Longer than the demo model's context: the engine refuses it before generating anything.
    const tooLong = 'The license grants the freedom to run, study, share and modify the software. '.repeat(110);
    const failed = await chat(stack.url, token, { model: MODEL, request: ask(tooLong), maxTokens: 8 }).then(() => null, (e: unknown) => e);
    expect(failed).toBeInstanceOf(ChatError);
    expect(failed).toMatchObject({ error: { code: 'engine.bad_request' }, charged: 0n });
    const after = await balance(token);
    expect([after.balance, after.held]).toEqual([before, 0n]);
  });

  it('refuses, before holding anything, a job whose worst case is above the user\'s max charge', async () => {
    const token = await session();
    const before = await balance(token);
    const refused = chat(stack.url, token, { model: MODEL, request: ask('hi'), maxTokens: 64, maxCharge: 1_000_000n });
    await expect(refused).rejects.toMatchObject({ error: { code: 'job.price_above_limit' } });
    expect(await balance(token)).toEqual(before);
  });

  it('answers a model no host serves with job.model_unavailable and charges nothing', async () => {
    const token = await session();
    const before = (await balance(token)).balance;
    await expect(chat(stack.url, token, { model: 'no-such-model', request: ask('hi') })).rejects.toMatchObject({ error: { code: 'job.model_unavailable' } });
    expect((await balance(token)).balance).toBe(before);
  });

  it('a host dying mid-stream ends the job with job.host_gone and releases the hold', async () => {
    const token = await session();
    const before = (await balance(token)).balance;
    let killed = false;
    const result = chat(stack.url, token, {
      model: MODEL,
      request: { messages: [{ role: 'user', content: 'A long answer please' }], temperature: 0 },
      maxTokens: 1000,
      onDelta: () => {
        if (!killed) {
          killed = true;
          stack.host.kill('SIGKILL');
        }
      },
    });
    await expect(result).rejects.toBeInstanceOf(ChatError);
    await expect(result).rejects.toMatchObject({ error: { code: 'job.host_gone' } });
    const after = await balance(token);
    expect([after.balance, after.held]).toEqual([before, 0n]);
    // The network recovers when a host comes back.
    const second = await stack.startHost('host-local-2');
    expect(second.hostId).not.toBe(stack.hostId);
    await stack.waitForHosts(1);
    const r = await chat(stack.url, token, { model: MODEL, request: ask('Still there?'), maxTokens: 8 });
    expect(r.receipt.receipt.hostId).toBe(second.hostId);
  }, 120_000);

  it('rejects expired and forged initData with stable codes', async () => {
    const post = (initData: string) => fetch(`${stack.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData }) });
    const old = await post(signedInitData(BOT, { id: 1, first_name: 'Old' }, new Date(Date.now() - 3600_000)));
    expect([old.status, ErrorResponseSchema.parse(await old.json()).error.code]).toEqual([401, 'auth.init_data_expired']);
    const forged = await post(signedInitData('7000000003:someone-elses-token-AAAAAAAAAAAAAAA', { id: 1, first_name: 'Eve' }));
    expect([forged.status, ErrorResponseSchema.parse(await forged.json()).error.code]).toEqual([401, 'auth.init_data_invalid']);
  });
});
