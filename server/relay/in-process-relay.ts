import type { FastifyBaseLogger } from 'fastify';
import { CocoonError, type ErrorCode } from '@cocoon/shared/errors';
import { formatCredits, priceToWire } from '@cocoon/shared/pricing';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import type { ChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import type { JobMeta, SealedRequest } from '@cocoon/shared/protocol/jobs';
import { requestDigest } from '@cocoon/shared/receipt';
import type { Db } from '../db/client';
import { checkKeyBudget } from '../developer/key-budget';
import { takesJobsFor, type HostRegistry, type OnlineHost } from '../hosts/registry';
import type { Ledger } from '../ledger/ledger';
import type { BrokerMetrics } from '../metrics/broker-metrics';
import type { PriceBook } from '../pricing/price-book';
import { CreationGate } from './creation-gate';
import { JobCloser } from './job-closer';
import { JobSlots } from './job-slots';
import { insertJob, markFailed, markFirstToken, markStreaming } from './jobs-repo';
import { LiveJob } from './live-job';
import type { ClientLink, HostJobMessage, Relay } from './relay';

export interface InProcessRelayDeps {
  db: Db;
  ledger: Ledger;
  prices: PriceBook;
  registry: HostRegistry;
  log: FastifyBaseLogger;
  /** A job with no host activity for this long fails with job.timeout. */
  idleTimeoutMs: number;
  /** How long a hold lives before the sweeper releases it, if nothing settled it. */
  holdTtlMs: number;
  /** Jobs one user may have in flight at once. */
  maxJobsPerUser: number;
  /** Prometheus counters (server/metrics/); none in tests that build a relay alone. */
  metrics?: BrokerMetrics;
}

/** The relay for one broker instance: clients and hosts connected to this process. */
export class InProcessRelay implements Relay {
  private readonly jobs = new Map<string, LiveJob>();
  /** Each client's jobs in flight: cancelled when it leaves, paused while its socket is congested. */
  private readonly byClient = new Map<ClientLink, Set<LiveJob>>();
  /** Clients whose socket has too much unread (clientCongestion): a job they open starts paused. */
  private readonly congested = new WeakSet<ClientLink>();
  private readonly closer: JobCloser;
  private readonly slots: JobSlots;
  private readonly creations = new CreationGate();

  constructor(private readonly d: InProcessRelayDeps) {
    this.closer = new JobCloser(d);
    this.slots = new JobSlots(d.maxJobsPerUser);
  }

  async openJob(client: ClientLink, meta: JobMeta, request: SealedRequest): Promise<void> {
    const host = this.d.registry.get(meta.hostId);
    if (!host || !takesJobsFor(host, meta.model)) throw new CocoonError('job.model_unavailable', 'no online host takes jobs for this model under this host id');
    if (this.jobs.has(meta.jobId)) throw new CocoonError('job.invalid_state', 'job id already used');
    const requestBytes = fromB64u(request.ciphertext).length;
    const coefficient = host.priceCoefficientMilli;
    const hold = this.d.prices.holdFor(meta.model, requestBytes, meta.maxTokens, coefficient);
    // The user's cap, before anything is held: the hold (and so any charge) never exceeds it.
    const maxCharge = BigInt(meta.maxCharge);
    if (hold > maxCharge) {
      throw new CocoonError('job.price_above_limit', `at this host's price (${coefficient / 1000}x the base) the job can cost ${formatCredits(hold)} credits; it accepts at most ${formatCredits(maxCharge)}`);
    }
    // The concurrency caps (job-slots.ts), before anything is held; the slot is given back if the job never opens.
    this.slots.take(client.userId, host);
    let digest: string;
    try {
      digest = await requestDigest(request);
      // One creation per user in the database at a time (creation-gate.ts); the rest wait in memory.
      await this.creations.run(client.userId, () => this.d.db.transaction(async (tx) => {
        // A developer's key: its per-request cap and budgets, before the hold (server/developer/key-budget.ts).
        if (client.apiKeyId) await checkKeyBudget(tx, client.apiKeyId, hold);
        await this.d.ledger.placeHold({ jobId: meta.jobId, userId: client.userId, amount: hold, expiresAt: new Date(Date.now() + this.d.holdTtlMs) }, tx);
        await insertJob(tx, { meta, userId: client.userId, apiKeyId: client.apiKeyId ?? null, requestBytes, hold });
      }));
    } catch (e) {
      this.slots.free(client.userId, host);
      throw e;
    }
    const job = new LiveJob(meta, client, host, hold, requestBytes, digest, Date.now(), coefficient);
    this.jobs.set(meta.jobId, job);
    const mine = this.byClient.get(client);
    if (mine) mine.add(job);
    else this.byClient.set(client, new Set([job]));
    if (this.d.registry.get(host.hostId) !== host) return this.end(job, 'job.host_gone', 'host disconnected');
    client.send({ type: 'job.accepted', jobId: meta.jobId, hold: String(hold) });
    host.link.send({ type: 'job.open', meta, request, price: priceToWire(this.d.prices.priceOf(meta.model)) });
    if (this.congested.has(client)) host.link.send({ type: 'job.pause', jobId: meta.jobId });
    this.d.log.info({ jobId: meta.jobId, hostId: meta.hostId, model: meta.model, hold: String(hold) }, 'job opened');
  }

  cancelJob(client: ClientLink, jobId: string): void {
    const job = this.jobs.get(jobId);
    if (!job || job.client !== client) throw new CocoonError('job.not_found', 'no such job in flight');
    this.requestCancel(job);
  }

  clientGone(client: ClientLink): void {
    for (const job of this.byClient.get(client) ?? []) this.requestCancel(job);
  }

  clientCongestion(client: ClientLink, congested: boolean): void {
    if (congested) this.congested.add(client);
    else this.congested.delete(client);
    const type = congested ? 'job.pause' : 'job.resume';
    for (const job of this.byClient.get(client) ?? []) if (!job.finalSeen) job.host.link.send({ type, jobId: job.jobId });
  }

  async hostMessage(host: OnlineHost, msg: HostJobMessage): Promise<void> {
    const job = this.jobs.get(msg.jobId);
    if (!job || job.host !== host) {
      host.link.send({ type: 'error', error: { code: 'job.not_found', message: 'no such job on this host' } });
      return;
    }
    job.lastActivity = Date.now();
    switch (msg.type) {
      case 'job.start':
        if (job.started) return this.end(job, 'protocol.malformed_message', 'response started twice', true);
        job.started = true;
        job.client.send(msg);
        // A status for the owner's pages and the sweeper; the answer never waits for it.
        void markStreaming(this.d.db, job.jobId).catch((err: unknown) => this.statNotRecorded(job, 'streaming status', err));
        return;
      case 'job.end':
        if (!this.take(job)) return;
        return this.closer.settle(job, msg.receipt);
      case 'job.error':
        return this.end(job, msg.error.code, msg.error.message);
    }
  }

  async hostGone(host: OnlineHost): Promise<void> {
    for (const job of [...this.jobs.values()]) if (job.host === host) await this.end(job, 'job.host_gone', 'the host disconnected');
  }

  async sweep(now = new Date()): Promise<void> {
    for (const job of [...this.jobs.values()]) {
      if (now.getTime() - job.lastActivity > this.d.idleTimeoutMs) await this.end(job, 'job.timeout', 'no activity from the host', true);
    }
    const expired = await this.d.ledger.releaseExpired(now);
    for (const jobId of expired) {
      const job = this.jobs.get(jobId);
      if (job) await this.end(job, 'job.timeout', 'the hold expired', true);
    }
    await markFailed(this.d.db, expired, 'job.timeout');
  }

  /**
   * Chunks are relayed as the host's frame, unchanged and in order, with nothing awaited: the
   * header was read (decodeChunkFrame), the sealed bytes are hashed into the response digest (the
   * non-final ones) and forwarded. A chunk only reaches a job in `jobs`, so after its hold committed.
   */
  async hostChunk(host: OnlineHost, frame: ChunkFrame): Promise<void> {
    const job = this.jobs.get(frame.jobId);
    if (!job || job.host !== host) {
      host.link.send({ type: 'error', error: { code: 'job.not_found', message: 'no such job on this host' } });
      return;
    }
    job.lastActivity = Date.now();
    if (!job.started || job.finalSeen || frame.seq !== job.nextSeq) {
      return this.end(job, 'envelope.chunk_out_of_order', 'chunk out of order', true);
    }
    job.nextSeq++;
    if (frame.final) job.finalSeen = true;
    else {
      job.response.updateSync(frame);
      job.answerPieces += frame.pieces;
    }
    job.client.sendChunk(frame);
    this.d.metrics?.chunkRelayed();
    // After the client has it: the machine's time to first token (server/hosts/host-stats.ts). A
    // statistic only: a database that is away costs the number, never the answer, nor its pace.
    if (frame.seq === 0 && !frame.final) {
      this.d.metrics?.firstTokenRelayed(job.openedAt);
      void markFirstToken(this.d.db, job.jobId, new Date()).catch((err: unknown) => this.statNotRecorded(job, 'time to first token', err));
    }
  }

  private statNotRecorded(job: LiveJob, what: string, err: unknown): void {
    this.d.log.warn({ jobId: job.jobId, err: err instanceof Error ? err.message : String(err) }, `${what} not recorded`);
  }

  private requestCancel(job: LiveJob): void {
    if (job.cancelRequested) return;
    job.cancelRequested = true;
    job.host.link.send({ type: 'job.cancel', jobId: job.jobId });
  }

  /** Removes the job from flight; only the caller that removed it may close it. */
  private take(job: LiveJob): boolean {
    if (this.jobs.get(job.jobId) !== job) return false;
    this.jobs.delete(job.jobId);
    const mine = this.byClient.get(job.client);
    mine?.delete(job);
    if (mine?.size === 0) this.byClient.delete(job.client);
    this.slots.free(job.client.userId, job.host);
    return true;
  }

  private async end(job: LiveJob, code: ErrorCode, message: string, cancelHost = false): Promise<void> {
    if (!this.take(job)) return;
    if (cancelHost) job.host.link.send({ type: 'job.cancel', jobId: job.jobId });
    await this.closer.fail(job, code, message);
  }
}
