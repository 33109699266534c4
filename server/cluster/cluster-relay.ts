import type { FastifyBaseLogger } from 'fastify';
import { CocoonError, type ErrorCode } from '@cocoon/shared/errors';
import { CHUNK_FRAME_MAGIC, chunkFrameJobId, decodeChunkFrame, type ChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import type { JobMeta, SealedRequest } from '@cocoon/shared/protocol/jobs';
import { BrokerToHostSchema, type BrokerToHost } from '@cocoon/shared/protocol/ws-messages';
import type { OnlineHost } from '../hosts/registry';
import type { ClientLink, HostJobMessage, JobAuthorization, Relay } from '../relay/relay';
import { BATCH_MAGIC, BatchingPublisher, decodeBatch } from './batch';
import type { Bus } from './bus';
import { decodeJson, encodeJson, ToHostMessageSchema, ToOwnerMessageSchema, type subjects, type ToHostMessage, type ToOwnerMessage } from './cluster-messages';
import { isRemote, type ClusterRegistry, type RemoteLink } from './cluster-registry';

export interface ClusterRelayDeps {
  /** The relay that owns jobs: holds, receipts, settlement (server/relay/in-process-relay.ts). */
  local: Relay;
  registry: ClusterRegistry;
  bus: Bus;
  brokerId: string;
  subjects: ReturnType<typeof subjects>;
  log: FastifyBaseLogger;
  /** A remote job this broker hears nothing more of is forgotten after this long (its hold's lifetime). */
  jobTtlMs: number;
}

const isBrokerToHost = (x: unknown): x is BrokerToHost => BrokerToHostSchema.safeParse(x).success;

/**
 * Jobs across brokers. The broker a client is connected to owns its job, exactly as with one
 * broker (the local relay holds, checks the receipt, settles); when the job's host is connected to
 * another broker, the host's RemoteLink carries what the owner sends it over the bus, and that
 * broker (the host broker) forwards it to the socket and sends the host's answers back: its job
 * messages as JSON, its chunk frames as their bytes, which it never decodes.
 */
export class ClusterRelay implements Relay {
  /** Host broker side: jobs of other brokers on this broker's hosts, by job id. */
  private readonly forwarded = new Map<string, { owner: string; host: OnlineHost }>();
  /** Owner side: this broker's jobs on other brokers' hosts, by job id. */
  private readonly remote = new Map<string, { host: OnlineHost; at: number }>();
  /** What reaches the local relay for one remote job, in order, one at a time (as from a socket). */
  private readonly chains = new Map<string, Promise<void>>();
  private subscriptions: (() => void)[] = [];

  /** What goes to an owner broker (chunk frames, job messages), one bus message per owner per turn of the event loop, in order (batch.ts). */
  private readonly toOwners: BatchingPublisher;

  constructor(private readonly d: ClusterRelayDeps) {
    this.toOwners = new BatchingPublisher(d.bus);
  }

  start(): void {
    this.subscriptions = [
      this.d.bus.subscribe(this.d.subjects.toHost(this.d.brokerId), (data) => this.fromOwner(data)),
      this.d.bus.subscribe(this.d.subjects.toOwner(this.d.brokerId), (data) => this.fromHostBroker(data)),
    ];
  }

  /** Stops listening; what is queued for the local relay still runs (see `idle`). */
  stop(): void {
    this.toOwners.flush();
    this.subscriptions.forEach((unsubscribe) => unsubscribe());
    this.subscriptions = [];
  }

  /** Resolves when nothing is queued for the local relay: for tests and shutdown. */
  async idle(): Promise<void> {
    while (this.chains.size > 0) await Promise.all(this.chains.values());
  }

  openJob(client: ClientLink, meta: JobMeta, request: SealedRequest, authorized?: Promise<JobAuthorization>): Promise<void> {
    return this.d.local.openJob(client, meta, request, authorized);
  }

  cancelJob(client: ClientLink, jobId: string): void {
    this.d.local.cancelJob(client, jobId);
  }

  clientGone(client: ClientLink): void {
    this.d.local.clientGone(client);
  }

  clientCongestion(client: ClientLink, congested: boolean): void {
    this.d.local.clientCongestion(client, congested);
  }

  async hostMessage(host: OnlineHost, msg: HostJobMessage): Promise<void> {
    const f = this.forwarded.get(msg.jobId);
    if (!f || f.host !== host) return this.d.local.hostMessage(host, msg);
    if (msg.type !== 'job.start') this.unforward(msg.jobId);
    this.toOwner(f.owner, { hostId: host.hostId, msg });
  }

  async hostChunk(host: OnlineHost, frame: ChunkFrame): Promise<void> {
    const f = this.forwarded.get(frame.jobId);
    if (!f || f.host !== host) return this.d.local.hostChunk(host, frame);
    this.toOwners.publish(this.d.subjects.toOwner(f.owner), frame.bytes);
  }

  async hostGone(host: OnlineHost): Promise<void> {
    for (const [jobId, f] of this.forwarded) {
      if (f.host !== host) continue;
      this.unforward(jobId);
      this.toOwner(f.owner, { hostId: host.hostId, msg: { type: 'job.error', jobId, error: new CocoonError('job.host_gone', 'the host disconnected').toWire() } });
    }
    await this.d.local.hostGone(host);
  }

  async sweep(now = new Date()): Promise<void> {
    for (const [jobId, r] of this.remote) if (now.getTime() - r.at > this.d.jobTtlMs) this.remote.delete(jobId);
    await this.d.local.sweep(now);
  }

  /** RemoteLink.send: to the host broker; a job.open makes the job one this broker hears back about. */
  sendToHost(link: RemoteLink, msg: BrokerToHost): void {
    if (msg.type === 'job.open' && link.host) this.remote.set(msg.meta.jobId, { host: link.host, at: Date.now() });
    this.publishToHost(link, { type: 'send', from: this.d.brokerId, hostId: link.hostId, since: link.since, msg });
  }

  /** RemoteLink.close: the host broker closes that connection (an owner removed the machine, say). */
  closeHost(link: RemoteLink, code: number, reason: string): void {
    this.publishToHost(link, { type: 'close', from: this.d.brokerId, hostId: link.hostId, since: link.since, code, reason: reason.slice(0, 123) });
  }

  /**
   * A remote host left (its socket closed, or it reconnected elsewhere) or its broker died: this
   * broker's jobs on it end with `code`, each exactly once, through the local relay, which
   * releases their holds (a job whose receipt already arrived is being settled and is not touched).
   */
  async remoteHostGone(host: OnlineHost, code: ErrorCode, message: string): Promise<void> {
    const ending: Promise<void>[] = [];
    for (const [jobId, r] of this.remote) {
      if (r.host !== host) continue;
      this.remote.delete(jobId);
      ending.push(this.inOrder(jobId, () => this.d.local.hostMessage(host, { type: 'job.error', jobId, error: new CocoonError(code, message).toWire() })));
    }
    await Promise.all(ending);
    await this.d.local.hostGone(host);
  }

  /** A broker that owned jobs on this broker's hosts died: the hosts stop working for it. */
  ownerGone(brokerId: string): void {
    for (const [jobId, f] of this.forwarded) {
      if (f.owner !== brokerId) continue;
      this.unforward(jobId);
      f.host.link.send({ type: 'job.cancel', jobId });
    }
  }

  /** Remote jobs in flight, owned here and forwarded for others: for tests and metrics. */
  counts(): { owned: number; forwarded: number } {
    return { owned: this.remote.size, forwarded: this.forwarded.size };
  }

  private unforward(jobId: string): void {
    const f = this.forwarded.get(jobId);
    if (!f) return;
    this.forwarded.delete(jobId);
    f.host.activeJobs = Math.max(0, f.host.activeJobs - 1);
  }

  private publishToHost(link: RemoteLink, m: ToHostMessage): void {
    this.d.bus.publish(this.d.subjects.toHost(link.brokerId), encodeJson(m));
  }

  private toOwner(owner: string, m: ToOwnerMessage): void {
    this.toOwners.publish(this.d.subjects.toOwner(owner), encodeJson(m));
  }

  /** Host broker side: an owner's message for one of this broker's hosts. */
  private fromOwner(data: Uint8Array): void {
    const parsed = decodeJson(ToHostMessageSchema, data);
    if (!parsed.ok) return this.d.log.warn({ reason: parsed.reason }, 'cluster: malformed message for a host');
    const m = parsed.value;
    const current = this.d.registry.get(m.hostId);
    // Only the connection the owner meant: a later one of the same host knows nothing of its jobs.
    const host = current && !isRemote(current) && this.d.registry.sinceOf(current) === m.since ? current : undefined;
    if (m.type === 'close') return host?.link.close(m.code, m.reason);
    const msg: unknown = m.msg;
    if (!isBrokerToHost(msg)) return this.d.log.warn({ from: m.from }, 'cluster: a message for a host that does not match the protocol');
    switch (msg.type) {
      case 'job.open': {
        const jobId = msg.meta.jobId;
        if (!host) return this.toOwner(m.from, { hostId: m.hostId, msg: { type: 'job.error', jobId, error: new CocoonError('job.host_gone', 'the host is no longer connected to the broker that carried it').toWire() } });
        if (this.forwarded.has(jobId)) return;
        this.forwarded.set(jobId, { owner: m.from, host });
        host.activeJobs++;
        return host.link.send(msg);
      }
      case 'job.cancel':
      case 'job.pause':
      case 'job.resume': {
        const f = this.forwarded.get(msg.jobId);
        if (host && f?.owner === m.from && f.host === host) host.link.send(msg);
        return;
      }
      case 'host.settings':
        if (!host) return;
        host.priceCoefficientMilli = msg.priceCoefficientMilli;
        return host.link.send(msg);
      case 'error':
        return host?.link.send(msg);
      default:
        // The challenge and welcome belong to the socket's own broker.
        return;
    }
  }

  /** Owner side: a host's job message or chunk frame, from the broker with its socket. */
  private fromHostBroker(data: Uint8Array): void {
    if (data[0] === BATCH_MAGIC) {
      const parts = decodeBatch(data);
      if (!parts) return this.d.log.warn({ bytes: data.length }, 'cluster: malformed batch');
      // One level only: a batch inside a batch is not something a broker sends.
      for (const part of parts) if (part[0] !== BATCH_MAGIC) this.fromHostBroker(part);
      return;
    }
    if (data[0] === CHUNK_FRAME_MAGIC) {
      const jobId = chunkFrameJobId(data);
      const r = jobId === undefined ? undefined : this.remote.get(jobId);
      if (!jobId || !r) return;
      let frame: ChunkFrame;
      try {
        frame = decodeChunkFrame(data);
      } catch (e) {
        return this.d.log.warn({ jobId, err: e instanceof Error ? e.message : String(e) }, 'cluster: malformed chunk frame');
      }
      void this.inOrder(jobId, () => this.d.local.hostChunk(r.host, frame));
      return;
    }
    const parsed = decodeJson(ToOwnerMessageSchema, data);
    if (!parsed.ok) return this.d.log.warn({ reason: parsed.reason }, 'cluster: malformed job message');
    const { hostId, msg } = parsed.value;
    if (msg.type !== 'job.start' && msg.type !== 'job.end' && msg.type !== 'job.error') return;
    const r = this.remote.get(msg.jobId);
    if (!r || r.host.hostId !== hostId) return;
    if (msg.type !== 'job.start') this.remote.delete(msg.jobId);
    void this.inOrder(msg.jobId, () => this.d.local.hostMessage(r.host, msg));
  }

  /** Runs `fn` after what is queued for the job: the local relay sees its messages one at a time, in order. */
  private inOrder(jobId: string, fn: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(jobId) ?? Promise.resolve())
      .then(fn)
      .catch((err: unknown) => this.d.log.error({ err, jobId }, 'cluster: handling a remote job message failed'));
    this.chains.set(jobId, next);
    void next.then(() => {
      if (this.chains.get(jobId) === next) this.chains.delete(jobId);
    });
    return next;
  }
}
