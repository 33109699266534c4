import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costOf } from '@cocoon/shared/pricing';
import { createHostAgent, type HostAgent } from '@cocoon/host/agent/host-agent';
import { createLogger as createHostLogger } from '@cocoon/host/agent/logger';
import { generateNodeKey } from '@cocoon/host/agent/node-key';
import { createLogger } from '@cocoon/proxy/logger';
import { createProxy, type Proxy } from '@cocoon/proxy/proxy';
import { DeveloperApi } from '@cocoon/server/tests/support/developer';
import { signedPolicyFile } from '@cocoon/server/tests/support/policy';
import { createScratchDatabase, dropScratchDatabase, postgresReachable } from '@cocoon/server/tests/support/test-db';
import { enrollToken, signIn, startTestServer, type TestServer } from '@cocoon/server/tests/support/test-server';
import { SCRIPTED_ANSWER, SCRIPTED_MODEL, startScriptedEngine, type EngineBehaviour, type ScriptedEngine } from './support/scripted-engine';

/**
 * Failover before the first token against the real broker (issue 13): two real host agents, each
 * with its own engine; whichever host the broker lists first has its engine fail the job before
 * the first token (HTTP 503: the agent seals an error and reports `engine.unavailable`). The
 * developer proxy, a real client, seals the same request anew to the second host: the user gets
 * the second host's answer, pays for that job alone, and the first job's hold is released.
 */
const DIGEST = 'ab'.repeat(32);
const IMAGE = `sha256:${'0'.repeat(64)}`;
const PRICE = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };
const STARTER = 100_000_000n;
const quiet = new Writable({ write: (_c, _e, cb) => cb() });

describe.skipIf(!postgresReachable)('failover before the first token, through the real broker on PostgreSQL', () => {
  let dir: string;
  let databaseUrl: string;
  let t: TestServer;
  let proxy: Proxy;
  let proxyUrl: string;
  let userId: string;
  const engines: ScriptedEngine[] = [];
  const agents: HostAgent[] = [];
  const hostIds: string[] = [];
  /** Chat requests the two engines got, together: the first one fails, every later one is answered. */
  let requests = 0;
  /** Which engine (and so host) got the first request: the host the proxy tried first. */
  let failedOn: number | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cocoon-failover-'));
    const policy = await signedPolicyFile(dir, { engines: [{ name: 'scripted', imageDigest: IMAGE, version: '1', args: [], models: { [SCRIPTED_MODEL]: DIGEST } }] });
    databaseUrl = await createScratchDatabase();
    t = await startTestServer({ ...policy.env, DATABASE_URL: databaseUrl });
    for (const i of [0, 1]) {
      const engine = await startScriptedEngine();
      // Read once per chat request: whichever host the broker lists first fails, wherever it is.
      Object.defineProperty(engine, 'behaviour', {
        get: (): EngineBehaviour => {
          if (requests++ > 0) return 'answer';
          failedOn = i;
          return 'http-503';
        },
      });
      engines.push(engine);
      const agent = createHostAgent(
        {
          brokerUrls: [`${t.wsUrl}/api/host`], enrollToken: await enrollToken(t), nodeKey: await generateNodeKey(), tee: 'simulated', pccsUrl: 'http://127.0.0.1:9', gpu: { mode: 'off' },
          engine: { url: engine.url, name: 'scripted', imageDigest: IMAGE, version: '1', args: [], modelDigests: { [SCRIPTED_MODEL]: DIGEST } },
          priceCoefficientMilli: 1000, claimsTtlSeconds: 3600, maxConcurrentJobs: 2, logLevel: 'silent',
        },
        { logger: createHostLogger('silent') },
      );
      hostIds.push((await agent.start()).hostId);
      agents.push(agent);
    }
    const signedIn = await signIn(t.server);
    userId = signedIn.userId;
    const { secret } = await new DeveloperApi(t.server).createKey(signedIn.token, 'failover');
    proxy = createProxy(
      { port: 0, brokerUrl: t.url, apiKey: secret, policyKeys: [policy.key], allowSimulated: true, allowUnverifiedDev: false, maxPrice: 5_000_000n, dataDir: dir, logLevel: 'silent' },
      { logger: createLogger('silent', quiet) },
    );
    proxyUrl = (await proxy.start()).url;
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    for (const a of agents) await a.close();
    for (const e of engines) await e.close();
    await t?.close();
    if (databaseUrl) await dropScratchDatabase(databaseUrl);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the first host\'s engine fails before its first token: the answer comes from the second host, billed once', async () => {
    const res = await fetch(`${proxyUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: SCRIPTED_MODEL, messages: [{ role: 'user', content: 'Say hello' }], max_tokens: 16 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { id: string; choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content).toBe(SCRIPTED_ANSWER.deltas.join(''));

    // The first job went to the host whose engine failed; the answer came from the other one.
    expect(requests).toBe(2);
    expect(failedOn).toBeDefined();
    expect(res.headers.get('x-cocoon-host')).toBe(hostIds[1 - failedOn!]);

    // Only the answered job costs anything; the failed one's hold is released, and money stays zero-sum.
    const charged = costOf(PRICE, { promptTokens: SCRIPTED_ANSWER.usage.prompt_tokens, completionTokens: SCRIPTED_ANSWER.usage.completion_tokens });
    const ledger = t.server.services().ledger;
    await expect.poll(() => ledger.userFunds(userId)).toEqual({ balance: STARTER - charged, held: 0n, available: STARTER - charged });
    expect(await ledger.sumOfBalances()).toBe(0n);
  });
});
