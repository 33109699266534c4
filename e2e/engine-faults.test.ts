import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '@cocoon/shared/pricing';
import { createHostAgent, type HostAgent } from '@cocoon/host/agent/host-agent';
import { createLogger } from '@cocoon/host/agent/logger';
import { generateNodeKey } from '@cocoon/host/agent/node-key';
import { createScratchDatabase, dropScratchDatabase, postgresReachable } from '@cocoon/server/tests/support/test-db';
import { enrollToken, signIn, startTestServer, type TestServer } from '@cocoon/server/tests/support/test-server';
import { chat, ChatError } from './support/chat-client';
import { SCRIPTED_ANSWER, SCRIPTED_MODEL, startScriptedEngine, type EngineBehaviour, type ScriptedEngine } from './support/scripted-engine';

/**
 * The fault matrix's engine faults (issue 10; the rest is in server/tests/fault-matrix.test.ts):
 * the real host agent, in this process, against a scripted engine over HTTP, and a real broker on
 * PostgreSQL with a short job idle timeout. The engine answers 5xx or 429, accepts and says
 * nothing, or stalls after two tokens: the client gets a clear code and pays nothing, the host
 * lets go of the engine's request and answers the next job, and in the end still runs as many jobs
 * at once as it says (two here): no slot is left behind.
 */
const PRICE = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };
const STARTER = 100_000_000n;
const IDLE_TIMEOUT_MS = 1_000;
/** Jobs the host runs at once: a job the faults left behind in the host would take one. */
const CAPACITY = 2;

describe.skipIf(!postgresReachable)('engine faults: the host agent against a scripted engine, the broker on PostgreSQL', () => {
  let url: string;
  let t: TestServer;
  let engine: ScriptedEngine;
  let agent: HostAgent;

  beforeAll(async () => {
    url = await createScratchDatabase();
    t = await startTestServer({ DATABASE_URL: url, JOB_IDLE_TIMEOUT_MS: String(IDLE_TIMEOUT_MS) });
    engine = await startScriptedEngine();
    agent = createHostAgent(
      {
        brokerUrls: [`${t.wsUrl}/api/host`], enrollToken: await enrollToken(t), nodeKey: await generateNodeKey(), tee: 'simulated', pccsUrl: 'http://127.0.0.1:9', gpu: { mode: 'off' },
        engine: { url: engine.url, name: 'scripted', imageDigest: `sha256:${'0'.repeat(64)}`, version: '1', args: [], modelDigests: { [SCRIPTED_MODEL]: 'ab'.repeat(32) } },
        priceCoefficientMilli: 1000, claimsTtlSeconds: 3600, maxConcurrentJobs: CAPACITY, logLevel: 'silent',
      },
      { logger: createLogger('silent') },
    );
    await agent.start();
  }, 60_000);
  afterAll(async () => {
    await agent?.close();
    await engine?.close();
    await t?.close();
    if (url) await dropScratchDatabase(url);
  });
  afterEach(async () => {
    expect(await t.server.services().ledger.sumOfBalances()).toBe(0n);
  });

  const charged = costOf(PRICE, { promptTokens: SCRIPTED_ANSWER.usage.prompt_tokens, completionTokens: SCRIPTED_ANSWER.usage.completion_tokens });
  const ask = (token: string, onDelta?: () => void) => chat(t.url, token, { model: SCRIPTED_MODEL, request: { messages: [{ role: 'user', content: 'Say hello' }] }, maxTokens: 16, onDelta });

  /** A job under `behaviour`, then, once the host has let go of it, a job the engine answers. */
  async function faultThenAnswer(behaviour: EngineBehaviour, code: string, deltasBefore = 0) {
    const { token, userId } = await signIn(t.server);
    const funds = () => t.server.services().ledger.userFunds(userId);
    engine.behaviour = behaviour;
    let deltas = 0;
    const failed = await ask(token, () => deltas++).then(() => null, (e: unknown) => e);
    expect(failed).toBeInstanceOf(ChatError);
    expect(deltas).toBe(deltasBefore);
    expect(failed).toMatchObject({ error: { code }, charged: 0n });
    expect(await funds()).toEqual({ balance: STARTER, held: 0n, available: STARTER });
    // The host gave the engine's request up and is free again: not wedged on it.
    await expect.poll(() => engine.open, { timeout: 10_000 }).toBe(0);

    engine.behaviour = 'answer';
    const answered = await ask(token);
    expect(answered.text).toBe(SCRIPTED_ANSWER.deltas.join(''));
    expect(answered.charged).toBe(charged);
    expect(await funds()).toEqual({ balance: STARTER - charged, held: 0n, available: STARTER - charged });
  }

  it('the engine answers 503: engine.unavailable, nothing charged; the next job is answered and billed per its receipt', async () => {
    await faultThenAnswer('http-503', 'engine.unavailable');
  });

  it('the engine answers 429: engine.unavailable, nothing charged; the next job is answered', async () => {
    await faultThenAnswer('http-429', 'engine.unavailable');
  });

  it('the engine accepts the request and says nothing: job.timeout after the idle timeout, nothing charged; the next job is answered', async () => {
    await faultThenAnswer('silent', 'job.timeout');
  });

  it('the engine stalls after two tokens: job.timeout, the job ends with no charge (no receipt came); the next job is answered', async () => {
    await faultThenAnswer('stall-after-2', 'job.timeout', 2);
  });

  it('after every fault, the host still runs as many jobs at once as it says, each billed per its receipt', async () => {
    const { token, userId } = await signIn(t.server);
    const answers = await Promise.all(Array.from({ length: CAPACITY }, () => ask(token)));
    expect(answers.map((a) => a.charged)).toEqual(answers.map(() => charged));
    expect(await t.server.services().ledger.userFunds(userId)).toMatchObject({ balance: STARTER - BigInt(CAPACITY) * charged, held: 0n });
  });
});
