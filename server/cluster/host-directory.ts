import type { FastifyBaseLogger } from 'fastify';
import { decodeClaims } from '@cocoon/shared/attestation/claims';
import type { AttestationBundle } from '@cocoon/shared/protocol/attestation-bundle';
import type { OnlineHost } from '../hosts/registry';
import { CloseCodes } from '../ws/json-socket';
import type { Bus } from './bus';
import type { BundleStore } from './bundle-store';
import { decodeJson, DirectoryMessageSchema, encodeJson, HOSTS_PER_PAGE, type DirectoryMessage, type HostSummary, type subjects } from './cluster-messages';
import type { ClusterRelay } from './cluster-relay';
import { isRemote, RemoteLink, type ClusterRegistry } from './cluster-registry';

export interface HostDirectoryDeps {
  bus: Bus;
  bundles: BundleStore;
  registry: ClusterRegistry;
  relay: ClusterRelay;
  log: FastifyBaseLogger;
  brokerId: string;
  /** Random per process: a broker restarted under the same id is a new one. */
  instance: string;
  subjects: ReturnType<typeof subjects>;
  /** How often this broker announces its hosts. */
  beatMs: number;
  /** A broker not heard from for this long is dead. */
  deadAfterMs: number;
}

interface PeerBroker {
  instance: string;
  lastHeard: number;
  /** Its hosts as this broker knows them (the registry's entry, unless a newer connection replaced it). */
  hosts: Map<string, OnlineHost>;
  /** The announcement being received, page by page; applied once whole. */
  pending: { round: number; pages: number; hosts: HostSummary[]; got: number } | undefined;
}

/**
 * Which broker holds which host's socket. Every broker announces the hosts it holds (on every
 * change and every `beatMs`, the whole list, so a lost message heals at the next); the others
 * mirror them in their registries as remote hosts, whose verified bundles they read from
 * PostgreSQL. Of two connections of one host the newer wins everywhere, and the older's broker
 * closes its socket. A broker silent for `deadAfterMs` is dead: its hosts are dropped and the jobs
 * they carried for this broker end with `job.broker_gone`.
 */
export class HostDirectory {
  private readonly peers = new Map<string, PeerBroker>();
  /** Bundle digest last written for each of this broker's hosts. */
  private readonly stored = new Map<string, string>();
  /** Directory messages are applied one at a time, in order. */
  private queue: Promise<void> = Promise.resolve();
  private round = 0;
  private announcing = false;
  private announceAgain = false;
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly d: HostDirectoryDeps) {}

  start(): void {
    this.unsubscribe = this.d.bus.subscribe(this.d.subjects.directory, (data) => this.receive(data));
    this.d.registry.onLocalChange = () => this.announce();
    this.d.registry.onRemoteReplaced = (previous) => void this.d.relay.remoteHostGone(previous, 'job.host_gone', 'the host reconnected to another broker');
    this.publish({ type: 'hello', brokerId: this.d.brokerId, instance: this.d.instance });
    this.announce();
    this.timer = setInterval(() => {
      this.announce();
      this.checkAlive();
    }, this.d.beatMs);
    this.timer.unref();
  }

  /** A clean stop: the others drop this broker's hosts at once. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    this.d.registry.onLocalChange = () => undefined;
    this.d.registry.onRemoteReplaced = () => undefined;
    this.unsubscribe?.();
    this.publish({ type: 'bye', brokerId: this.d.brokerId, instance: this.d.instance });
    await this.queue;
  }

  /** Resolves once every directory message received so far is applied: for tests. */
  async settled(): Promise<void> {
    await this.queue;
  }

  /** Announces this broker's hosts now (coalesced: one announcement in flight at a time, one more queued). */
  announce(): void {
    if (this.announcing) {
      this.announceAgain = true;
      return;
    }
    this.announcing = true;
    void (async () => {
      do {
        this.announceAgain = false;
        await this.beat().catch((err: unknown) => this.d.log.error({ err }, 'cluster: announcing hosts failed'));
      } while (this.announceAgain);
      this.announcing = false;
    })();
  }

  private async beat(): Promise<void> {
    for (const h of this.d.registry.local()) {
      if (this.stored.get(h.hostId) === h.bundleDigest) continue;
      await this.d.bundles.store({ hostId: h.hostId, bundleDigest: h.bundleDigest, bundle: h.bundle, brokerId: this.d.brokerId });
      this.stored.set(h.hostId, h.bundleDigest);
    }
    // Read again after the writes: a host that left meanwhile is not announced, one whose bundle is not stored yet waits.
    const hosts = this.d.registry.local().filter((h) => this.stored.get(h.hostId) === h.bundleDigest).map((h) => this.summary(h));
    const round = this.round++;
    const pages = Math.max(1, Math.ceil(hosts.length / HOSTS_PER_PAGE));
    for (let page = 0; page < pages; page++) {
      this.publish({ type: 'beat', brokerId: this.d.brokerId, instance: this.d.instance, round, page, pages, hosts: hosts.slice(page * HOSTS_PER_PAGE, (page + 1) * HOSTS_PER_PAGE) });
    }
  }

  private summary(h: OnlineHost): HostSummary {
    return {
      hostId: h.hostId,
      bundleDigest: h.bundleDigest,
      priceCoefficientMilli: h.priceCoefficientMilli,
      maxConcurrentJobs: h.maxConcurrentJobs,
      ownerId: h.ownerId,
      draining: h.draining,
      activeJobs: h.activeJobs,
      since: this.d.registry.sinceOf(h),
    };
  }

  private publish(m: DirectoryMessage): void {
    this.d.bus.publish(this.d.subjects.directory, encodeJson(m));
  }

  private receive(data: Uint8Array): void {
    const parsed = decodeJson(DirectoryMessageSchema, data);
    if (!parsed.ok) return this.d.log.warn({ reason: parsed.reason }, 'cluster: malformed directory message');
    const m = parsed.value;
    if (m.brokerId === this.d.brokerId) {
      if (m.instance !== this.d.instance) this.d.log.error({ brokerId: m.brokerId }, 'cluster: another broker runs under this BROKER_ID');
      return;
    }
    // Heard now, whatever is still queued: a busy queue never makes a live broker look dead.
    const peer = this.peers.get(m.brokerId);
    if (peer?.instance === m.instance) peer.lastHeard = Date.now();
    this.enqueue(() => this.apply(m));
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((err: unknown) => this.d.log.error({ err }, 'cluster: applying a directory message failed'));
  }

  private async apply(m: DirectoryMessage): Promise<void> {
    const known = this.peers.get(m.brokerId);
    if (known && known.instance !== m.instance) await this.brokerGone(m.brokerId, 'it restarted');
    if (m.type === 'bye') return this.brokerGone(m.brokerId, 'it stopped');
    let peer = this.peers.get(m.brokerId);
    if (!peer) {
      peer = { instance: m.instance, lastHeard: Date.now(), hosts: new Map(), pending: undefined };
      this.peers.set(m.brokerId, peer);
      this.d.log.info({ brokerId: m.brokerId }, 'cluster: broker joined');
    }
    if (m.type === 'hello') return this.announce();
    // Pages of one round arrive in order; a round with a page lost is dropped, the next one heals.
    if (m.page === 0) peer.pending = { round: m.round, pages: m.pages, hosts: [], got: 0 };
    const pending = peer.pending;
    if (!pending || pending.round !== m.round || pending.pages !== m.pages || pending.got !== m.page) return void (peer.pending = undefined);
    pending.hosts.push(...m.hosts);
    if (++pending.got < pending.pages) return;
    peer.pending = undefined;
    await this.reconcile(m.brokerId, peer, pending.hosts);
  }

  private checkAlive(): void {
    const now = Date.now();
    for (const [brokerId, peer] of this.peers) {
      if (now - peer.lastHeard <= this.d.deadAfterMs) continue;
      const instance = peer.instance;
      this.enqueue(async () => {
        if (this.peers.get(brokerId)?.instance === instance) await this.brokerGone(brokerId, `silent for ${this.d.deadAfterMs} ms`);
      });
    }
  }

  /** Mirrors a peer's announced hosts: new ones added, changed ones updated, missing ones dropped. */
  private async reconcile(brokerId: string, peer: PeerBroker, summaries: HostSummary[]): Promise<void> {
    const announced = new Set<string>();
    for (const s of summaries) {
      announced.add(s.hostId);
      const mine = peer.hosts.get(s.hostId);
      if (mine && isRemote(mine) && mine.link.since === s.since) {
        if (this.d.registry.get(s.hostId) === mine) await this.update(mine, s);
        else peer.hosts.delete(s.hostId); // a newer connection replaced it
        continue;
      }
      if (mine) this.dropRemote(peer, mine, 'the host reconnected');
      if (!this.isNewer(brokerId, s)) continue;
      const bundle = await this.d.bundles.load(s.hostId, s.bundleDigest);
      // Not stored yet, or already superseded: the next announcement tells again.
      if (!bundle || !this.isNewer(brokerId, s)) continue;
      const host = this.remoteHost(brokerId, s, bundle);
      if (!host) continue;
      peer.hosts.set(s.hostId, host);
      const previous = this.d.registry.add(host);
      if (!previous) continue;
      if (!isRemote(previous)) {
        this.d.log.info({ hostId: s.hostId, brokerId }, 'cluster: host reconnected to another broker; closing its older connection here');
        previous.link.close(CloseCodes.policy, 'replaced by a newer connection');
      } else {
        const owner = this.peers.get(previous.link.brokerId);
        if (owner?.hosts.get(s.hostId) === previous) owner.hosts.delete(s.hostId);
        await this.d.relay.remoteHostGone(previous, 'job.host_gone', 'the host reconnected to another broker');
      }
    }
    for (const [hostId, h] of peer.hosts) if (!announced.has(hostId)) this.dropRemote(peer, h, 'the host disconnected');
  }

  /** Of this announcement and the registry's current connection for the host, whether the announcement is newer. */
  private isNewer(brokerId: string, s: HostSummary): boolean {
    const current = this.d.registry.get(s.hostId);
    if (!current) return true;
    const since = this.d.registry.sinceOf(current);
    const holder = isRemote(current) ? current.link.brokerId : this.d.brokerId;
    return s.since > since || (s.since === since && brokerId > holder);
  }

  private dropRemote(peer: PeerBroker, host: OnlineHost, why: string): void {
    if (peer.hosts.get(host.hostId) === host) peer.hosts.delete(host.hostId);
    this.d.registry.remove(host);
    void this.d.relay.remoteHostGone(host, 'job.host_gone', why);
  }

  private async update(host: OnlineHost, s: HostSummary): Promise<void> {
    Object.assign(host, { priceCoefficientMilli: s.priceCoefficientMilli, maxConcurrentJobs: s.maxConcurrentJobs, ownerId: s.ownerId, draining: s.draining });
    if (s.bundleDigest === host.bundleDigest) return;
    // Re-attested with a fresh bundle (same host id and key, checked by its broker).
    const bundle = await this.d.bundles.load(s.hostId, s.bundleDigest);
    const claims = bundle && this.claimsOf(s.hostId, bundle);
    if (bundle && claims) Object.assign(host, { bundle, bundleDigest: s.bundleDigest, claims });
  }

  private claimsOf(hostId: string, bundle: AttestationBundle) {
    try {
      const { claims } = decodeClaims(bundle.claims);
      return claims.hostId === hostId ? claims : undefined;
    } catch (e) {
      this.d.log.warn({ hostId, err: e instanceof Error ? e.message : String(e) }, 'cluster: stored bundle has unreadable claims');
      return undefined;
    }
  }

  private remoteHost(brokerId: string, s: HostSummary, bundle: AttestationBundle): OnlineHost | undefined {
    const claims = this.claimsOf(s.hostId, bundle);
    if (!claims) return undefined;
    const link = new RemoteLink(brokerId, s.hostId, s.since, { send: (l, msg) => this.d.relay.sendToHost(l, msg), close: (l, code, reason) => this.d.relay.closeHost(l, code, reason) });
    const host: OnlineHost = {
      hostId: s.hostId,
      claims,
      bundle,
      bundleDigest: s.bundleDigest,
      priceCoefficientMilli: s.priceCoefficientMilli,
      link,
      activeJobs: 0,
      maxConcurrentJobs: s.maxConcurrentJobs,
      ownerId: s.ownerId,
      draining: s.draining,
    };
    link.host = host;
    return host;
  }

  /** A peer died (or restarted, or stopped): its hosts go, this broker's jobs on them end with `job.broker_gone`. */
  private async brokerGone(brokerId: string, why: string): Promise<void> {
    const peer = this.peers.get(brokerId);
    if (!peer) return;
    this.peers.delete(brokerId);
    this.d.log.warn({ brokerId, why, hosts: peer.hosts.size }, 'cluster: broker gone');
    const ending: Promise<void>[] = [];
    for (const host of peer.hosts.values()) {
      this.d.registry.remove(host);
      ending.push(this.d.relay.remoteHostGone(host, 'job.broker_gone', `the broker the host was connected to is gone (${why})`));
    }
    this.d.relay.ownerGone(brokerId);
    await Promise.all(ending);
  }
}
