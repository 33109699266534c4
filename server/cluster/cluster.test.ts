import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeChunkFrame, decodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import type { BrokerToHost } from '@cocoon/shared/protocol/ws-messages';
import type { FastifyBaseLogger } from 'fastify';
import type { AttestationBundle } from '@cocoon/shared/protocol/attestation-bundle';
import type { OnlineHost } from '../hosts/registry';
import type { HostJobMessage, Relay } from '../relay/relay';
import { sealJob } from '../tests/support/client';
import { createFakeIdentity, type FakeIdentity } from '../tests/support/fake-host';
import { loadConfig } from '../config';
import { subjectMatches, type Bus, type BusHandler } from './bus';
import { createCluster, type Cluster } from './cluster';
import { ClusterRegistry, isRemote } from './cluster-registry';
import { encodeJson } from './cluster-messages';
import { InProcessBus } from './in-process-bus';

/** A broker's connection to the shared bus, which a test can cut: the broker dies without a word. */
class CuttableBus implements Bus {
  cut = false;
  constructor(private readonly inner: Bus) {}
  publish(subject: string, data: Uint8Array): void {
    if (!this.cut) this.inner.publish(subject, data);
  }
  subscribe(subject: string, handler: BusHandler): () => void {
    return this.inner.subscribe(subject, (data, s) => {
      if (!this.cut) handler(data, s);
    });
  }
  flush = () => this.inner.flush();
  roundTripMs = () => this.inner.roundTripMs();
  close = async () => undefined;
}

/** The relay that owns jobs, reduced to a record of what the cluster hands it. */
class RecordingRelay implements Relay {
  readonly seen: { kind: 'message' | 'chunk' | 'gone'; host: OnlineHost; what: string }[] = [];
  openJob = () => Promise.reject(new Error('not in these tests'));
  cancelJob = () => undefined;
  clientGone = () => undefined;
  clientCongestion = () => undefined;
  sweep = async () => undefined;
  async hostMessage(host: OnlineHost, msg: HostJobMessage) {
    this.seen.push({ kind: 'message', host, what: msg.type === 'job.error' ? `job.error:${msg.error.code}` : msg.type });
  }
  async hostChunk(host: OnlineHost, frame: { seq: number }) {
    this.seen.push({ kind: 'chunk', host, what: `chunk:${frame.seq}` });
  }
  async hostGone(host: OnlineHost) {
    this.seen.push({ kind: 'gone', host, what: 'gone' });
  }
}

interface TestBroker {
  cluster: Cluster;
  registry: ClusterRegistry;
  local: RecordingRelay;
  bus: CuttableBus;
}

const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
/** The shared bundle store (PostgreSQL in production; its queries run in the two-broker test, server/tests/cluster-nats.test.ts). */
const bundles = new Map<string, { digest: string; bundle: AttestationBundle }>();
const bundleStore = {
  store: async (r: { hostId: string; bundleDigest: string; bundle: AttestationBundle }) => void bundles.set(r.hostId, { digest: r.bundleDigest, bundle: r.bundle }),
  load: async (hostId: string, digest: string) => (bundles.get(hostId)?.digest === digest ? bundles.get(hostId)?.bundle : undefined),
};
let shared: InProcessBus;
let brokers: TestBroker[] = [];
let identity: FakeIdentity;

function startBroker(brokerId: string): TestBroker {
  const registry = new ClusterRegistry();
  const local = new RecordingRelay();
  const bus = new CuttableBus(shared);
  const cluster = createCluster({ bus, bundles: bundleStore, log, registry, local, brokerId, clusterName: 'unit', holdTtlMs: 60_000, beatMs: 50, deadAfterMs: 1_000 });
  cluster.start();
  const b = { cluster, registry, local, bus };
  brokers.push(b);
  return b;
}

/** A host whose socket `b` holds; its link records what it is sent. */
function connectHost(b: TestBroker, id = identity) {
  const sent: BrokerToHost[] = [];
  const closed: string[] = [];
  const host: OnlineHost = {
    hostId: id.claims.hostId, claims: id.claims, bundle: id.bundle, bundleDigest: `digest-of-${id.claims.signingPublicKey}`,
    priceCoefficientMilli: 1500, activeJobs: 0, maxConcurrentJobs: 4, ownerId: 'owner-1', draining: false,
    link: { send: (m) => sent.push(m), close: (_code, reason) => closed.push(reason) },
  };
  b.registry.add(host)?.link.close(1008, 'replaced');
  return { host, sent, closed };
}

const remoteOn = (b: TestBroker) => {
  const h = b.registry.get(identity.claims.hostId);
  return h && isRemote(h) ? h : undefined;
};

async function openRemoteJob(owner: TestBroker) {
  const host = await expect.poll(() => remoteOn(owner), { timeout: 5_000, interval: 5 }).toBeDefined().then(() => remoteOn(owner)!);
  const job = await sealJob(identity);
  host.link.send({ type: 'job.open', meta: job.meta, request: job.request, price: { promptPerMillion: '1000', completionPerMillion: '2000' } });
  return { host, jobId: job.meta.jobId };
}

beforeAll(async () => {
  identity = await createFakeIdentity({ models: ['demo/tiny'] });
});
afterEach(async () => {
  for (const b of brokers) await b.cluster.close();
  brokers = [];
  await shared?.close();
});

describe('subjects', () => {
  it('match as NATS matches them', () => {
    expect(subjectMatches('a.b', 'a.b')).toBe(true);
    expect(subjectMatches('a.*', 'a.b')).toBe(true);
    expect(subjectMatches('a.*', 'a.b.c')).toBe(false);
    expect(subjectMatches('a.>', 'a.b.c')).toBe(true);
    expect(subjectMatches('a.>', 'a')).toBe(false);
    expect(subjectMatches('a.b', 'a.c')).toBe(false);
  });
});

describe('brokers over the in-process bus', () => {
  const fresh = () => {
    shared = new InProcessBus();
    return { a: startBroker('a'), b: startBroker('b') };
  };

  it('mirrors a host held by A on B, with its bundle, and carries a job both ways, chunks unchanged and in order', async () => {
    const { a, b } = fresh();
    const onA = connectHost(a);
    const { host, jobId } = await openRemoteJob(b);
    expect(host.bundle).toEqual(identity.bundle);
    expect(host.claims.hostId).toBe(identity.claims.hostId);
    expect(host.priceCoefficientMilli).toBe(1500);

    await expect.poll(() => onA.sent.map((m) => m.type)).toEqual(['job.open']);
    expect(onA.host.activeJobs).toBe(1);
    await a.cluster.relay.hostMessage(onA.host, { type: 'job.start', jobId, responseNonce: toB64u(new Uint8Array(32)) });
    for (let seq = 0; seq < 3; seq++) await a.cluster.relay.hostChunk(onA.host, decodeChunkFrame(encodeChunkFrame({ jobId, seq, final: false, pieces: 1, data: new Uint8Array([seq, 1, 2]) })));
    host.link.send({ type: 'job.cancel', jobId });
    await expect.poll(() => onA.sent.map((m) => m.type)).toEqual(['job.open', 'job.cancel']);
    await a.cluster.relay.hostMessage(onA.host, { type: 'job.error', jobId, error: { code: 'job.cancelled', message: 'stopped' } });

    await expect.poll(() => b.local.seen.map((s) => s.what)).toEqual(['job.start', 'chunk:0', 'chunk:1', 'chunk:2', 'job.error:job.cancelled']);
    // Handed to B's relay as from the host it opened the job on.
    expect(b.local.seen.every((s) => s.host === host)).toBe(true);
    expect(a.local.seen).toEqual([]);
    expect(a.cluster.relay.counts()).toEqual({ owned: 0, forwarded: 0 });
    expect(onA.host.activeJobs).toBe(0);
  });

  it('ends the jobs B owns with job.host_gone when the host leaves A', async () => {
    const { a, b } = fresh();
    const onA = connectHost(a);
    const { host, jobId } = await openRemoteJob(b);
    await expect.poll(() => onA.sent.length).toBe(1);
    a.registry.remove(onA.host);
    await a.cluster.relay.hostGone(onA.host);
    await expect.poll(() => b.local.seen.map((s) => s.what)).toContain('gone');
    expect(b.local.seen.filter((s) => s.what.startsWith('job.error')).map((s) => s.what)).toEqual(['job.error:job.host_gone']);
    expect(b.registry.get(host.hostId)).toBeUndefined();
    expect(b.cluster.relay.counts().owned).toBe(0);
    expect(jobId).toBeDefined();
  });

  it('ends the jobs B owns with job.broker_gone once A falls silent, and A cancels on its host the jobs of a B that fell silent', async () => {
    const { a, b } = fresh();
    const onA = connectHost(a);
    const { host } = await openRemoteJob(b);
    await expect.poll(() => onA.sent.length).toBe(1);
    a.bus.cut = true;
    await expect.poll(() => b.registry.get(host.hostId), { timeout: 5_000 }).toBeUndefined();
    await b.cluster.relay.idle();
    expect(b.local.seen.map((s) => s.what)).toEqual(['job.error:job.broker_gone', 'gone']);
    // A, cut off too, has not heard B for as long: it cancels B's job on its host. Its own clock
    // may run a beat behind B's, so this is awaited before A hears the bus again.
    await expect.poll(() => onA.sent.map((m) => m.type), { timeout: 5_000 }).toEqual(['job.open', 'job.cancel']);

    // The other way round: the owner dies; the host broker stops the host working for it.
    a.bus.cut = false;
    const c = startBroker('c');
    await expect.poll(() => remoteOn(c), { timeout: 5_000 }).toBeDefined();
    const { jobId } = await openRemoteJob(c);
    await expect.poll(() => onA.sent.map((m) => m.type)).toEqual(['job.open', 'job.cancel', 'job.open']);
    c.bus.cut = true;
    await expect.poll(() => onA.sent.at(-1), { timeout: 5_000 }).toEqual({ type: 'job.cancel', jobId });
    expect(a.cluster.relay.counts().forwarded).toBe(0);
  });

  it('ends the jobs B owns on A\'s connection of a host once the host reconnects to B itself', async () => {
    const { a, b } = fresh();
    connectHost(a);
    const { host } = await openRemoteJob(b);
    connectHost(b);
    await expect.poll(() => b.local.seen.map((s) => s.what)).toContain('gone');
    await b.cluster.relay.idle();
    // Once (the local relay's hostGone finds nothing more to end when A's announcement drops it too).
    expect(b.local.seen.filter((s) => s.kind === 'message').map((s) => s.what)).toEqual(['job.error:job.host_gone']);
    expect(b.local.seen.every((s) => s.host === host)).toBe(true);
  });

  it('applies an announcement only once all its pages arrived', async () => {
    shared = new InProcessBus();
    const b = startBroker('b');
    const hostId = identity.claims.hostId;
    await bundleStore.store({ hostId, bundleDigest: 'paged', bundle: identity.bundle });
    const summary = { hostId, bundleDigest: 'paged', priceCoefficientMilli: 1000, maxConcurrentJobs: 2, ownerId: 'o', draining: false, activeJobs: 0, since: 1 };
    const beat = (round: number, page: number, pages: number, hosts: (typeof summary)[]) => shared.publish('unit.dir', encodeJson({ type: 'beat', brokerId: 'x', instance: 'i', round, page, pages, hosts }));
    beat(0, 0, 2, [summary]); // its page 1 is lost
    beat(1, 0, 2, []);
    await shared.flush();
    await b.cluster.directory.settled();
    expect(b.registry.get(hostId)).toBeUndefined();
    beat(1, 1, 2, [summary]);
    await expect.poll(() => remoteOn(b)?.link.brokerId).toBe('x');
  });

  it('lets the newer connection of a host win on every broker, the older one closed', async () => {
    const { a, b } = fresh();
    const onA = connectHost(a);
    await expect.poll(() => remoteOn(b)).toBeDefined();
    const onB = connectHost(b);
    // Closed by A once it knows the newer connection (B's registry's close of its entry does nothing).
    await expect.poll(() => onA.closed).toEqual(['replaced by a newer connection']);
    await expect.poll(() => remoteOn(a)?.link.brokerId).toBe('b');
    expect(b.registry.get(identity.claims.hostId)).toBe(onB.host);
    // A keeps B's connection after its own announcements (no host of its own to announce).
    a.cluster.directory.announce();
    await b.cluster.directory.settled();
    expect(b.registry.get(identity.claims.hostId)).toBe(onB.host);
  });
});

describe('cluster configuration', () => {
  const base = { BOT_TOKEN: '7000000001:AAtest-bot-token-for-broker-tests_xyz' };
  it('needs PostgreSQL beside NATS, and a plain broker id', () => {
    expect(() => loadConfig({ ...base, NATS_URL: 'nats://127.0.0.1:4222' })).toThrow(/NATS_URL: needs DATABASE_URL/);
    expect(() => loadConfig({ ...base, BROKER_ID: 'a.b' })).toThrow(/BROKER_ID/);
    const c = loadConfig({ ...base, NATS_URL: 'nats://127.0.0.1:4222', DATABASE_URL: 'postgres://x@h/db', BROKER_ID: 'a-1' });
    expect([c.NATS_URL, c.BROKER_ID, c.CLUSTER_NAME]).toEqual(['nats://127.0.0.1:4222', 'a-1', 'cocoon']);
    expect(loadConfig(base).NATS_URL).toBeUndefined();
  });
});
