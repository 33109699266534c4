import { sealedRequestBytes } from '@cocoon/shared/crypto/padding';
import type { WireError } from '@cocoon/shared/errors';
import { START_TIMEOUT_MS } from '@cocoon/shared/failover';
import { formatCredits, holdFor, maxTokensWithin } from '@cocoon/shared/pricing';
import type { SealedChunk } from '@cocoon/shared/protocol/jobs';
import type { ClientToBroker } from '@cocoon/shared/protocol/ws-messages';
import type { CryptoWorkerApi } from '../../crypto/api';
import type { BrokerEvent } from '../../ws/broker-socket';
import type { ChatAction, JobPricing } from './chat-state';
import { fromWire, type UiError } from './error-messages';
import { mayFailOver, nextHost, type Turn } from './failover';
import type { HostChoice, ListedHost } from './use-verified-host';

/** Errors after which the host list is stale: pick (and verify) a host again. */
const HOST_ERRORS: readonly string[] = ['job.host_gone', 'job.broker_gone', 'job.model_unavailable', 'attestation.claims_expired', 'engine.model_not_found', 'host.busy'];
/** If the broker never confirms a cancel, the job is closed locally after this long. */
const STOP_GRACE_MS = 8_000;
const cancelledHere: WireError = { code: 'job.cancelled', message: 'stopped on this device' };

export interface ChatTarget {
  model: string;
  host: HostChoice;
  /** The hosts listed after `host`, best first: where the message goes if `host` fails before its first token. */
  alternates: ListedHost[];
  pricing: JobPricing;
  /** The answer's budget for this message (the user's answer length within the model's context); the app's default otherwise. */
  maxTokens?: number;
}

/** What a job's end means for the rest of the app (haptics, cached queries). */
export type ChatJobEvent = { type: 'failed'; code: string } | { type: 'ended'; receiptValid: boolean } | { type: 'host_stale' } | { type: 'uncharged' };

export interface ChatJobsDeps {
  send(message: ClientToBroker): boolean;
  /** The crypto worker (a chunk's bytes may be transferred to it: they are not read again here). */
  worker: Pick<CryptoWorkerApi, 'seal' | 'start' | 'open' | 'finish'>;
  /** Fetches and verifies a listed host's attestation; null when it went offline. */
  verifyHost(listed: ListedHost, model: string): Promise<HostChoice | null>;
  dispatch(action: ChatAction): void;
  notify(event: ChatJobEvent): void;
  startTimeoutMs?: number;
  stopGraceMs?: number;
}

/** The answer's token budget under the user's cap at a host's price (below 1: the host is too dear). */
const budgetAt = (turn: Pick<Turn, 'request' | 'pricing'>, coefficientMilli: bigint, maxTokens: number): number =>
  maxTokensWithin(turn.pricing.price, sealedRequestBytes(turn.request), turn.pricing.maxCharge, maxTokens, coefficientMilli);

/**
 * The chat's jobs, apart from React: seals each message in the crypto worker, sends it over the
 * broker socket and opens the sealed answer chunk by chunk, in order, per job. A job that fails
 * before its first answer piece because of its host is sealed anew to the next listed host with
 * a new job id (./failover.ts); the chat state only ever sees the job that answers.
 */
export class ChatJobs {
  /** Per open job: a promise chain that keeps worker calls in frame order. */
  private readonly queues = new Map<string, Promise<void>>();
  /** Per open job: its message's way through the hosts. */
  private readonly turns = new Map<string, Turn>();
  /** Per message (kept across its hosts): the answer budget it was sent with. */
  private readonly budgets = new WeakMap<Turn, number>();
  /** Per job sent and not yet started: the timer that gives up on its host. */
  private readonly startTimers = new Map<string, ReturnType<typeof setTimeout>>();

  constructor(
    private readonly d: ChatJobsDeps,
    /** The most tokens an answer may have unless the message says otherwise (`ChatTarget.maxTokens`). */
    private readonly maxTokens: number,
  ) {}

  /** Sends a new message (its request: the conversation so far and it) as job `jobId`. */
  async send(jobId: string, request: Turn['request'], target: ChatTarget): Promise<void> {
    const turn: Turn = { jobId, model: target.model, request, pricing: target.pricing, attempts: 0, answered: false, cancelled: false, alternates: target.alternates };
    this.budgets.set(turn, target.maxTokens ?? this.maxTokens);
    const { price, coefficientMilli, maxCharge } = target.pricing;
    // The user's max price per message is the job's cap: the answer's budget is what fits under it
    // at this host's price, and the broker and the enclave refuse the job if the host costs more.
    if (budgetAt(turn, coefficientMilli, this.limit(turn)) < 1) {
      const floor = holdFor(price, sealedRequestBytes(request), 1, coefficientMilli);
      this.queues.set(jobId, Promise.resolve());
      this.d.dispatch({ type: 'uncharged', jobId });
      return this.fail(jobId, { code: 'job.price_above_limit', detail: `an answer can cost up to ${formatCredits(floor)} credits on this host; the max per message is ${formatCredits(maxCharge)}` });
    }
    await this.submit(turn, target.host);
  }

  /** A frame from the broker about a job (others are not this class's). */
  receive(m: BrokerEvent): void {
    switch (m.type) {
      case 'job.start':
        this.clearStartTimer(m.jobId);
        return this.enqueue(m.jobId, async () => {
          const started = await this.d.worker.start(m.jobId, m.responseNonce);
          if (started.ok) this.d.dispatch({ type: 'started', jobId: m.jobId });
          else await this.fail(m.jobId, fromWire(started.error));
        });
      case 'job.chunk':
        return this.enqueue(m.jobId, () => this.openChunk(m.jobId, m.chunk));
      case 'error':
        if (!m.jobId) return;
        if (m.charged === '0') {
          // The broker released the job's hold with no transfer: say so even if the stream already ended it
          // (a message that then goes to another host forgets it: ./chat-state.ts `rehosted`).
          this.d.dispatch({ type: 'uncharged', jobId: m.jobId });
          this.d.notify({ type: 'uncharged' });
        }
        return this.enqueue(m.jobId, () => this.fail(m.jobId!, fromWire(m.error)));
      default:
        return;
    }
  }

  /** The user's Stop: cancels the job; if the broker never confirms, it is closed here after a grace period. */
  stop(jobId: string): void {
    const turn = this.turns.get(jobId);
    if (turn) turn.cancelled = true;
    this.d.send({ type: 'job.cancel', jobId });
    this.d.dispatch({ type: 'stop', jobId });
    setTimeout(() => this.enqueue(jobId, () => this.fail(jobId, fromWire(cancelledHere))), this.d.stopGraceMs ?? STOP_GRACE_MS);
  }

  /** The socket dropped: the broker routes the open jobs' frames to the old connection, so they are lost. */
  connectionLost(): void {
    for (const jobId of [...this.queues.keys()]) void this.fail(jobId, { code: 'client.connection_lost' });
  }

  close(): void {
    this.startTimers.forEach((t) => clearTimeout(t));
    this.startTimers.clear();
  }

  /** Settles once the work queued for every open job so far is done (for tests). */
  async idle(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  private limit(turn: Turn): number {
    return this.budgets.get(turn) ?? this.maxTokens;
  }

  private enqueue(jobId: string, task: () => Promise<void>): void {
    const chain = this.queues.get(jobId);
    if (chain) this.queues.set(jobId, chain.then(task));
  }

  private clearStartTimer(jobId: string): void {
    clearTimeout(this.startTimers.get(jobId));
    this.startTimers.delete(jobId);
  }

  /** Seals the turn's request to `host` as job `turn.jobId` and sends it. */
  private async submit(turn: Turn, host: HostChoice): Promise<void> {
    const { jobId } = turn;
    const meta = { jobId, hostId: host.hostId, model: turn.model, maxTokens: budgetAt(turn, host.coefficientMilli, this.limit(turn)), maxCharge: turn.pricing.maxCharge.toString() };
    this.queues.set(jobId, Promise.resolve());
    this.turns.set(jobId, turn);
    const sealed = await this.d.worker.seal(host.verification.bundleDigest, meta, turn.request);
    if (!sealed.ok) return this.fail(jobId, fromWire(sealed.error));
    if (turn.cancelled) return this.fail(jobId, fromWire(cancelledHere));
    if (!this.d.send({ type: 'job.create', meta, request: sealed.value })) return this.fail(jobId, { code: 'client.connection_lost' });
    turn.attempts++;
    this.d.dispatch({ type: 'queued', jobId });
    // A host that never starts the job is given up on (cancelled: its hold is released), like one that refused it.
    const giveUp = () => {
      this.d.send({ type: 'job.cancel', jobId });
      this.enqueue(jobId, () => this.fail(jobId, { code: 'job.timeout', detail: 'the host did not start the job' }));
    };
    this.startTimers.set(jobId, setTimeout(giveUp, this.d.startTimeoutMs ?? START_TIMEOUT_MS));
  }

  private async openChunk(jobId: string, chunk: SealedChunk): Promise<void> {
    const opened = await this.d.worker.open(jobId, chunk);
    if (!opened.ok) {
      this.d.send({ type: 'job.cancel', jobId });
      return this.fail(jobId, fromWire(opened.error));
    }
    const { payload, receipt } = opened.value;
    const turn = this.turns.get(jobId);
    if (turn && (payload.type === 'delta' || payload.type === 'tool_call')) turn.answered = true;
    if (payload.type === 'delta') return this.d.dispatch({ type: 'delta', jobId, text: payload.text });
    if (payload.type === 'error') return this.fail(jobId, fromWire(payload));
    // The Mini App offers the model no tools, so no answer calls one: such a piece is not shown.
    if (payload.type === 'tool_call') return;
    const finished = await this.d.worker.finish(jobId);
    this.queues.delete(jobId);
    this.turns.delete(jobId);
    if (!finished.ok) return this.d.dispatch({ type: 'failed', jobId, error: fromWire(finished.error) });
    const valid = receipt?.valid ?? false;
    this.d.dispatch({ type: 'ended', jobId, receipt: payload.receipt.receipt, signature: payload.receipt.signature, receiptValid: valid });
    this.d.notify({ type: 'ended', receiptValid: valid });
    if (!valid) this.d.dispatch({ type: 'error', error: fromWire(receipt?.error ?? { code: 'receipt.signature_invalid', message: 'no receipt check' }) });
  }

  /** Ends a job that failed: its message goes to the next host when ./failover.ts allows, else it fails. */
  private async fail(jobId: string, error: UiError): Promise<void> {
    if (!this.queues.delete(jobId)) return;
    this.clearStartTimer(jobId);
    await this.d.worker.finish(jobId);
    if (HOST_ERRORS.includes(error.code)) this.d.notify({ type: 'host_stale' });
    const turn = this.turns.get(jobId);
    if (turn && mayFailOver(turn, error.code) && (await this.failOver(turn, error))) return;
    this.turns.delete(jobId);
    const final = turn?.cancelled ? fromWire(cancelledHere) : error;
    this.d.dispatch({ type: 'failed', jobId, error: final });
    this.d.notify({ type: 'failed', code: final.code });
  }

  /** Seals the turn anew to the next verified, affordable host; false when there is none (or the user stopped). */
  private async failOver(turn: Turn, failed: UiError): Promise<boolean> {
    const candidates = turn.alternates.filter((h) => budgetAt(turn, BigInt(h.priceCoefficientMilli), this.limit(turn)) >= 1);
    let next: { host: HostChoice; rest: ListedHost[] } | null;
    try {
      next = await nextHost(candidates, (listed) => this.d.verifyHost(listed, turn.model));
    } catch (e) {
      console.warn(`could not verify the next host; the message fails with its host's ${failed.code}`, e instanceof Error ? e.name : 'unknown');
      return false;
    }
    if (!next || turn.cancelled) return false;
    const oldJobId = turn.jobId;
    this.turns.delete(oldJobId);
    Object.assign(turn, { jobId: crypto.randomUUID(), answered: false, alternates: next.rest, pricing: { ...turn.pricing, coefficientMilli: next.host.coefficientMilli } });
    this.d.dispatch({ type: 'rehosted', jobId: oldJobId, nextJobId: turn.jobId, pricing: turn.pricing });
    await this.submit(turn, next.host);
    return true;
  }
}
