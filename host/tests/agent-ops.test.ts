import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { holdFor, PriceSchema } from '@cocoon/shared/pricing';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import { verifyNodeHello } from '@cocoon/shared/protocol/node-key';
import { backoffDelay } from '../agent/broker-link';
import { createHostAgent, type HostAgent, type HostAgentConfig } from '../agent/host-agent';
import { createLogger } from '../agent/logger';
import { generateNodeKey } from '../agent/node-key';
import { METRICS_CONTENT_TYPE, startHealthServer } from '../ops/health-server';
import { autoBroker, PRICE } from './support/fake-broker';
import { gatedEngine } from './support/stand-ins';

const MODEL = 'stub/model';
let cleanup: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function setUp(opts: { brokerUrls?: (b: Awaited<ReturnType<typeof autoBroker>>) => string[]; enrolled?: boolean } & Parameters<typeof autoBroker>[0] = {}) {
  const broker = await autoBroker({ refuseWith: opts.refuseWith, refuse: opts.refuse });
  const engine = await gatedEngine([MODEL]);
  cleanup.push(() => broker.close(), () => engine.close());
  const nodeKey = await generateNodeKey();
  const config: HostAgentConfig = {
    brokerUrls: opts.brokerUrls?.(broker) ?? [broker.wsUrl],
    enrollToken: 'enroll-token-0123456789',
    enrolled: opts.enrolled ?? false,
    nodeKey,
    tee: 'simulated',
    pccsUrl: 'http://127.0.0.1:9',
    gpu: { mode: 'off' },
    engine: { url: `${engine.url}/v1`, name: 'stub', imageDigest: `sha256:${'0'.repeat(64)}`, version: '1', args: [], modelDigests: { [MODEL]: 'ab'.repeat(32) } },
    priceCoefficientMilli: 1000,
    claimsTtlSeconds: 3600,
    maxConcurrentJobs: 4,
    reconnect: { minMs: 10, maxMs: 50 },
    logLevel: 'silent',
  };
  const fatal: unknown[] = [];
  const agent: HostAgent = createHostAgent(config, { logger: createLogger('silent'), onFatal: (e) => fatal.push(e) });
  cleanup.push(() => agent.close());
  return { broker, engine, agent, nodeKey, fatal };
}

describe('reconnection backoff', () => {
  it('doubles from the minimum up to the cap, scaled by a jitter in [0.5, 1)', () => {
    const lowest = () => 0;
    const highest = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 10, 100].map((a) => backoffDelay(a, 250, 15_000, lowest))).toEqual([125, 250, 500, 1000, 2000, 7500, 7500]);
    expect(backoffDelay(3, 250, 15_000, highest)).toBeCloseTo(2000, 0);
    expect(backoffDelay(3, 250, 15_000, () => 0.5)).toBe(1500);
  });

  it('rotates through the broker list: a dead first broker hands over to the next', async () => {
    // A port that refuses connections: bound, then closed.
    const dead = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as { port: number }).port;
        s.close(() => resolve(port));
      });
    });
    const { agent, broker } = await setUp({ brokerUrls: (b) => [`ws://127.0.0.1:${dead}/api/host`, b.wsUrl] });
    const { brokerUrl } = await agent.start();
    expect(brokerUrl).toBe(broker.wsUrl);
    expect(agent.health()).toMatchObject({ state: 'online', brokerConnected: true, broker: broker.wsUrl });
  });
});

describe('the agent on its broker connection', () => {
  it('enrolls with the token and the node key, then proves the key alone after a reconnection', async () => {
    const { agent, broker, nodeKey } = await setUp();
    await agent.start();
    const [first] = broker.all('host.hello');
    expect(first!.enrollToken).toBe('enroll-token-0123456789');
    expect(await verifyNodeHello(broker.challenges[0]!, nodeKey.hostId, first!.nodeSignature)).toBe(true);
    expect(agent.health().hostId).toBe(nodeKey.hostId);
    broker.dropAll();
    await expect.poll(() => broker.all('host.hello').length, { timeout: 10_000 }).toBe(2);
    const second = broker.all('host.hello')[1]!;
    expect(second.enrollToken).toBeUndefined();
    expect(await verifyNodeHello(broker.challenges[1]!, nodeKey.hostId, second.nodeSignature)).toBe(true);
  });

  it('holds the token back when enrolled, and enrolls again with it when the broker does not know the machine', async () => {
    const { agent, broker } = await setUp({ enrolled: true, refuse: (h) => (h.enrollToken ? undefined : { code: 'host.not_enrolled', message: 'this machine has never enrolled' }) });
    await agent.start();
    expect(broker.all('host.hello').map((h) => h.enrollToken)).toEqual([undefined, 'enroll-token-0123456789']);
    expect(agent.health()).toMatchObject({ state: 'online', lastError: null });
  });

  it('stops, names the reason and does not retry when the broker refuses the enrollment', async () => {
    const { agent, broker, fatal } = await setUp({ refuseWith: { code: 'host.enroll_token_invalid', message: 'the enrollment token has expired' } });
    await expect(agent.start()).rejects.toMatchObject({ code: 'host.enroll_token_invalid', message: 'the enrollment token has expired' });
    expect(fatal).toHaveLength(1);
    expect(agent.health()).toMatchObject({ state: 'stopped', lastError: { code: 'host.enroll_token_invalid' } });
    await new Promise((r) => setTimeout(r, 100));
    expect(broker.connections()).toBe(1);
  });

  it('uses a price coefficient changed from the app (host.settings) from the next job on', async () => {
    const { agent, broker, engine } = await setUp();
    await agent.start();
    engine.release();
    // A cap twice this job's worst case at the base price: it fits at 1x, not at 3x.
    const probe = await broker.job();
    const cap = String(2n * holdFor(PriceSchema.parse(PRICE), fromB64u(probe.request.ciphertext).length, probe.meta.maxTokens, 1000n));
    const before = await broker.job(cap);
    broker.send(before);
    await expect.poll(() => broker.first('job.end', before.meta.jobId)).toBeDefined();
    broker.send({ type: 'host.settings', priceCoefficientMilli: 3000 });
    await expect.poll(() => agent.health().priceCoefficientMilli).toBe(3000);
    const after = await broker.job(cap);
    broker.send(after);
    await expect.poll(() => broker.first('job.error', after.meta.jobId)).toMatchObject({ error: { code: 'job.price_above_limit' } });
  });

  it('drains: tells the broker, refuses new jobs with host.busy, lets the running one finish, then stops', async () => {
    const { agent, broker, engine } = await setUp();
    await agent.start();
    const running = await broker.job();
    broker.send(running);
    await expect.poll(() => broker.first('job.start', running.meta.jobId)).toBeDefined();
    const drained = agent.drain(30_000);
    await expect.poll(() => broker.first('host.drain')).toBeDefined();
    expect(agent.health()).toMatchObject({ state: 'draining', draining: true, activeJobs: 1 });
    const late = await broker.job();
    broker.send(late);
    await expect.poll(() => broker.first('job.error', late.meta.jobId)).toMatchObject({ error: { code: 'host.busy' } });
    expect(broker.first('job.end', running.meta.jobId)).toBeUndefined();
    engine.release();
    expect(await drained).toEqual({ finished: true });
    expect(broker.first('job.end', running.meta.jobId)).toBeDefined();
    expect(agent.health()).toMatchObject({ state: 'stopped', activeJobs: 0 });
  });

  it('stops at the drain timeout when a job does not finish', async () => {
    const { agent, broker } = await setUp();
    await agent.start();
    const stuck = await broker.job();
    broker.send(stuck);
    await expect.poll(() => broker.first('job.start', stuck.meta.jobId)).toBeDefined();
    expect(await agent.drain(50)).toEqual({ finished: false });
    expect(agent.health().state).toBe('stopped');
  });
});

describe('/healthz and /metrics', () => {
  it('serve the state and Prometheus metrics over HTTP', async () => {
    const { agent, broker, engine } = await setUp();
    const health = await startHealthServer('127.0.0.1:0', agent);
    cleanup.push(() => health.close());
    const before = await fetch(`${health.url}/healthz`);
    expect(before.status).toBe(503);
    expect(await before.json()).toMatchObject({ state: 'starting', brokerConnected: false, draining: false, activeJobs: 0 });

    await agent.start();
    engine.release();
    const job = await broker.job();
    broker.send(job);
    await expect.poll(() => broker.first('job.end', job.meta.jobId)).toBeDefined();
    await expect.poll(async () => (await (await fetch(`${health.url}/metrics`)).text()).includes('cocoon_host_jobs_total{outcome="completed"} 1')).toBe(true);

    const h = await fetch(`${health.url}/healthz`);
    expect(h.status).toBe(200);
    expect(await h.json()).toEqual({
      state: 'online', hostId: agent.health().hostId, brokerConnected: true, broker: broker.wsUrl, draining: false, activeJobs: 0, maxConcurrentJobs: 4, priceCoefficientMilli: 1000, lastError: null,
    });
    const m = await fetch(`${health.url}/metrics`);
    expect(m.headers.get('content-type')).toBe(METRICS_CONTENT_TYPE);
    const text = await m.text();
    for (const line of [
      '# TYPE cocoon_host_jobs_total counter',
      'cocoon_host_tokens_total{kind="completion"} 2',
      'cocoon_host_tokens_total{kind="prompt"} 5',
      '# TYPE cocoon_host_ttft_seconds histogram',
      'cocoon_host_ttft_seconds_count 1',
      'cocoon_host_ttft_seconds_bucket{le="+Inf"} 1',
      'cocoon_host_engine_latency_seconds_count 1',
      'cocoon_host_active_jobs 0',
      'cocoon_host_broker_connected 1',
    ]) expect(text.split('\n')).toContain(line);
    // Exposition format 0.0.4: every sample line is `name{labels} value`, every family typed once.
    for (const line of text.trimEnd().split('\n').filter((l) => !l.startsWith('#'))) expect(line).toMatch(/^[a-z_]+(\{[a-z]+="[^"]*"\})? -?[0-9.e+-]+$/);
    expect((await fetch(`${health.url}/other`)).status).toBe(404);
  });

  it('counts refusals and errors by code', async () => {
    const { agent, broker } = await setUp();
    await agent.start();
    const job = await broker.job('1');
    broker.send(job);
    await expect.poll(() => broker.first('job.error', job.meta.jobId)).toBeDefined();
    const text = agent.metrics.render({ activeJobs: 0, brokerConnected: true, draining: false });
    expect(text).toContain('cocoon_host_jobs_total{outcome="refused"} 1');
    expect(text).toContain('cocoon_host_errors_total{code="job.price_above_limit"} 1');
  });
});
