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
import { FirstTokenMarks } from './first-token-marks';
import { insertJobAlongsideHold, markFailed } from './jobs-repo';
import { LiveJob } from './live-job';
import type { ClientLink, HostJobMessage, JobAuthorization, Relay } from './relay';

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

/** How long a job sent to its host before its hold waits for the host's answer before the hold is placed anyway. */
export const HOLD_AFTER_HOST_MS = 50;

/** How many recently held job ids the relay remembers (a Set of UUID strings: a few MB). */
const RECENT_JOB_IDS = 65_536;

/** The relay for one broker instance: clients and hosts connected to this process. */
export class InProcessRelay implements Relay {
  private readonly jobs = new Map<string, LiveJob>();
  /** Each client's jobs in flight: cancelled when it leaves, paused while its socket is congested. */
  private readonly byClient = new Map<ClientLink, Set<LiveJob>>();
  /** Clients whose socket has too much unread (clientCongestion): a job they open starts paused. */
  private readonly congested = new WeakSet<ClientLink>();
  private readonly closer: JobCloser;
  private readonly firstTokens: FirstTokenMarks;
  private readonly slots: JobSlots;
  private readonly creations = new CreationGate();
  /** Users whose last hold on this broker was placed: their next job goes to its host while its hold commits. */
  private readonly fundedUsers = new Set<string>();
  /**
   * Ids of the latest jobs held here, oldest first: a replayed job id is refused before its request
   * could reach a host early (older ones are refused by the hold's unique key, and then cancelled).
   */
  private readonly heldJobIds = new Set<string>();

  constructor(private readonly d: InProcessRelayDeps) {
    this.firstTokens = new FirstTokenMarks(d.db, (jobIds, err) => d.log.warn({ jobs: jobIds.length, err: err instanceof Error ? err.message : String(err) }, 'time to first token not recorded'));
    this.closer = new JobCloser(d, this.firstTokens);
    this.slots = new JobSlots(d.maxJobsPerUser);
  }

  async openJob(client: ClientLink, meta: JobMeta, request: SealedRequest, authorized?: Promise<JobAuthorization>): Promise<void> {
    const host = this.d.registry.get(meta.hostId);
    if (!host || !takesJobsFor(host, meta.model)) throw new CocoonError('job.model_unavailable', 'no online host takes jobs for this model under this host id');
    if (this.jobs.has(meta.jobId) || this.heldJobIds.has(meta.jobId)) throw new CocoonError('job.invalid_state', 'job id already used');
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
    } catch (e) {
      this.slots.free(client.userId, host);
      throw e;
    }
    // In flight from here, but not yet held: what the host sends waits (LiveJob.waiting), and an
    // ending (host gone, timeout) is carried out once the hold transaction has finished.
    if (this.jobs.has(meta.jobId)) {
      // The same id sent twice at once: checked again with no await before taking it.
      this.slots.free(client.userId, host);
      throw new CocoonError('job.invalid_state', 'job id already used');
    }
    const job = new LiveJob(meta, client, host, hold, requestBytes, digest, Date.now(), coefficient);
    this.jobs.set(meta.jobId, job);
    const mine = this.byClient.get(client);
    if (mine) mine.add(job);
    else this.byClient.set(client, new Set([job]));
    // A user whose last hold here succeeded: the job goes to its host first, and its hold is placed
    // once the host has answered (job.start, after opening the request; or an error or ending),
    // while the engine prefills, which takes the database off the time to first token. Nothing
    // reaches the client before the hold has committed; a hold refused after all cancels the job
    // on the host, which bills nothing for it. A user with no credits never gets here twice: any
    // refused hold makes their next job wait for its hold first.
    // Waiting for the host's answer, rather than holding at once: where broker, database and host
    // agent share a machine (the embedded default), the hold's work does not compete with the
    // host's opening and engine request, the steps the first token waits on. A host that has not
    // answered within HOLD_AFTER_HOST_MS gets the hold placed all the same (and the client its
    // job.accepted), as a job not sent early would.
    // A developer's key is looked up again first (revoked, or given limits, since it connected?).
    // One with a per-request cap or a budget never goes early: its limits, checked in the hold's
    // transaction, are limits its owner expects to be met, and a job past them never reaches a
    // host. One with none is checked for nothing but what a session is, and goes early like one.
    try {
      let limitedKey = false;
      if (client.apiKeyId) {
        const key = (await authorized)?.apiKey;
        limitedKey = !key || key.requestLimit !== null || key.totalLimit !== null || key.dailyLimit !== null;
      }
      if (!limitedKey && this.fundedUsers.has(client.userId)) {
        this.forward(job, request);
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([job.answered, new Promise<void>((r) => (timer = setTimeout(r, HOLD_AFTER_HOST_MS)))]);
        clearTimeout(timer);
      }
      await authorized;
      // One creation per user in the database at a time (creation-gate.ts); the rest wait in memory.
      // The hold and the job's row in one statement (Ledger.placeHold), in a transaction only for a
      // key with limits: its per-request cap and budgets come first, under its row's lock
      // (server/developer/key-budget.ts).
      const placed = { jobId: meta.jobId, userId: client.userId, amount: hold, expiresAt: new Date(Date.now() + this.d.holdTtlMs) };
      const row = insertJobAlongsideHold({ meta, userId: client.userId, apiKeyId: client.apiKeyId ?? null, requestBytes, hold });
      const apiKeyId = client.apiKeyId;
      await this.creations.run(client.userId, () => apiKeyId && limitedKey
        ? this.d.db.transaction(async (tx) => {
          await checkKeyBudget(tx, apiKeyId, hold);
          await this.d.ledger.placeHold(placed, tx, row);
        })
        : this.d.ledger.placeHold(placed, this.d.db, row));
    } catch (e) {
      this.fundedUsers.delete(client.userId);
      this.take(job);
      if (job.forwarded) job.host.link.send({ type: 'job.cancel', jobId: meta.jobId });
      throw e;
    }
    this.fundedUsers.add(client.userId);
    this.heldJobIds.add(meta.jobId);
    if (this.heldJobIds.size > RECENT_JOB_IDS) this.heldJobIds.delete(this.heldJobIds.values().next().value!);
    job.held = true;
    client.send({ type: 'job.accepted', jobId: meta.jobId, hold: String(hold) });
    this.d.log.info({ jobId: meta.jobId, hostId: meta.hostId, model: meta.model, hold: String(hold), early: job.forwarded }, 'job opened');
    // The host left while the job was being held (before the relay knew of the job, or after).
    if (this.d.registry.get(host.hostId) !== host) job.endAfterHold ??= { code: 'job.host_gone', message: 'the host disconnected', cancelHost: false };
    if (job.endAfterHold) {
      const { code, message, cancelHost } = job.endAfterHold;
      return this.end(job, code, message, cancelHost);
    }
    this.forward(job, request);
    // What the host sent meanwhile, in order (what arrives meanwhile queues behind), unless it ends the job.
    while (job.waiting.length > 0 && this.jobs.get(job.jobId) === job) await job.waiting.shift()!();
    job.waiting.length = 0;
    job.draining = false;
  }

  /** Sends the job to its host (once), paused if its client is congested and cancelled if asked meanwhile. */
  private forward(job: LiveJob, request: SealedRequest): void {
    if (job.forwarded) return;
    job.forwarded = true;
    job.host.link.send({ type: 'job.open', meta: job.meta, request, price: priceToWire(this.d.prices.priceOf(job.meta.model)) });
    if (this.congested.has(job.client)) job.host.link.send({ type: 'job.pause', jobId: job.jobId });
    if (job.cancelRequested) job.host.link.send({ type: 'job.cancel', jobId: job.jobId });
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

  hostMessage(host: OnlineHost, msg: HostJobMessage): Promise<void> {
    return this.fromHost(host, msg.jobId, (job) => this.onHostMessage(job, msg));
  }

  /**
   * What the host sent for one of its jobs, handled now, or queued behind what it sent before the
   * job's hold committed (LiveJob.waiting); for a job it does not have, the host is told so.
   */
  private async fromHost(host: OnlineHost, jobId: string, handle: (job: LiveJob) => Promise<void>): Promise<void> {
    const job = this.jobs.get(jobId);
    if (!job || job.host !== host) {
      host.link.send({ type: 'error', error: { code: 'job.not_found', message: 'no such job on this host' } });
      return;
    }
    if (job.draining) {
      job.markAnswered();
      return void job.waiting.push(() => handle(job));
    }
    return handle(job);
  }

  private async onHostMessage(job: LiveJob, msg: HostJobMessage): Promise<void> {
    if (this.jobs.get(job.jobId) !== job) return;
    job.lastActivity = Date.now();
    switch (msg.type) {
      case 'job.start':
        if (job.started) return this.end(job, 'protocol.malformed_message', 'response started twice', true);
        job.started = true;
        job.client.send(msg);
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
  hostChunk(host: OnlineHost, frame: ChunkFrame): Promise<void> {
    return this.fromHost(host, frame.jobId, (job) => this.onHostChunk(job, frame));
  }

  private async onHostChunk(job: LiveJob, frame: ChunkFrame): Promise<void> {
    if (this.jobs.get(job.jobId) !== job) return;
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
    // After the client has it: the job's `streaming` status and the machine's time to first token
    // (server/hosts/host-stats.ts), written later, off the hot path (first-token-marks.ts).
    if (frame.seq === 0 && !frame.final) {
      this.d.metrics?.firstTokenRelayed(job.openedAt);
      this.firstTokens.mark(job.jobId, new Date());
    }
  }

  private requestCancel(job: LiveJob): void {
    if (job.cancelRequested) return;
    job.cancelRequested = true;
    // Not sent yet: forward() sends the cancel right after the job.
    if (job.forwarded) job.host.link.send({ type: 'job.cancel', jobId: job.jobId });
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
    // Its hold may still be committing: releasing now would miss it, so openJob ends it after.
    if (!job.held) {
      job.endAfterHold ??= { code, message, cancelHost };
      job.markAnswered();
      return;
    }
    if (!this.take(job)) return;
    if (cancelHost && job.forwarded) job.host.link.send({ type: 'job.cancel', jobId: job.jobId });
    await this.closer.fail(job, code, message);
  }
}
