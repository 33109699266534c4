import { requestRecipient, sealRequest } from '@cocoon/shared/crypto/envelope';
import { CocoonError, type WireError } from '@cocoon/shared/errors';
import { START_TIMEOUT_MS } from '@cocoon/shared/failover';
import { costOf, type Price } from '@cocoon/shared/pricing';
import { canonicalJson, fromB64u } from '@cocoon/shared/protocol/encoding';
import type { ChatRequest, JobMeta } from '@cocoon/shared/protocol/jobs';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import { requestDigest, ResponseDigest, verifyReceipt } from '@cocoon/shared/receipt';
import type { VerifiedHost } from '../attestation/host-verifier';
import { fromWire, type BrokerSocket, type JobMessage } from '../broker/broker-socket';
import type { AnswerPiece } from '../openai/responses';

/** One job on one verified host, as far as it got. */
export type AttemptOutcome =
  | { kind: 'settled'; settled: Settled }
  /** Failed before its first answer piece: nothing reached the client, another host may try. */
  | { kind: 'failed_early'; error: WireError };

export interface Settled {
  jobId: string;
  host: VerifiedHost;
  receipt: SignedReceipt;
  charged: bigint;
  balance: bigint;
  /** What the receipt costs at the job's price: the broker's `charged` should equal it. */
  expectedCharge: bigint;
  /** Milliseconds from sending to the first answer piece (-1: none). */
  ttftMs: number;
}

export interface AttemptParams {
  socket: BrokerSocket;
  host: VerifiedHost;
  meta: JobMeta;
  request: ChatRequest;
  price: Price;
  priceCoefficientMilli: number;
  /** The first piece, then each piece, as opened. */
  onPiece(piece: AnswerPiece): void;
  /** Set when the client has gone: cancel the job (the broker settles what was streamed). */
  signal: AbortSignal;
  /** How long the host may take to start the job before it is cancelled and counted as failed early. */
  startTimeoutMs?: number;
}

/**
 * Seals the request to the verified host's enclave key (the job metadata bound in the AAD), sends
 * it through the broker, opens each chunk, and checks the end: the receipt must be signed by the
 * attested key, name this job, host and model, commit to exactly the request sent and the chunks
 * received, and match the one inside the sealed final chunk. Any check that fails throws
 * `receipt.*`; nothing the broker says is taken on trust.
 */
export async function runAttempt(p: AttemptParams): Promise<AttemptOutcome> {
  const { meta, host, socket } = p;
  const { sealed, opener } = await sealRequest({ recipient: requestRecipient(host.claims), meta, request: p.request });
  const sentDigest = await requestDigest(sealed);
  const digest = new ResponseDigest();
  const t0 = performance.now();
  let ttftMs = -1;
  let sealedEnd: SignedReceipt | undefined;
  let queue = Promise.resolve();

  return new Promise<AttemptOutcome>((resolve, reject) => {
    // A host that never starts the job is given up on like one that refused it: cancelled (its hold
    // released, nothing streamed), and the next host tried.
    let startTimer: ReturnType<typeof setTimeout> | undefined;
    const giveUp = () => {
      cancel();
      done(() => resolve({ kind: 'failed_early', error: { code: 'job.timeout', message: `host ${host.hostId} did not start the job in time` } }));
    };
    const done = (f: () => void) => {
      clearTimeout(startTimer);
      socket.release(meta.jobId);
      p.signal.removeEventListener('abort', cancel);
      f();
    };
    const cancel = () => socket.cancel(meta.jobId);
    const handle = async (msg: JobMessage) => {
      if (msg.type === 'job.start') {
        clearTimeout(startTimer);
        await opener.start(msg.responseNonce);
      } else if (msg.type === 'job.chunk') {
        if (!msg.chunk.final) await digest.update(msg.chunk);
        const payload = await opener.open(msg.chunk);
        if (payload.type === 'delta' || payload.type === 'tool_call') {
          if (ttftMs < 0) ttftMs = performance.now() - t0;
          p.onPiece(payload);
        } else if (payload.type === 'end') sealedEnd = payload.receipt;
        // A sealed error (the engine failed) is the host's word; the broker's `error` for the job follows and ends it.
      } else if (msg.type === 'job.settled') {
        opener.end();
        await checkReceipt(msg.receipt, { host, meta, sentDigest, responseDigest: digest.hex(), sealedEnd });
        const expectedCharge = costOf(p.price, msg.receipt.receipt, BigInt(p.priceCoefficientMilli));
        done(() => resolve({ kind: 'settled', settled: { jobId: meta.jobId, host, receipt: msg.receipt, charged: msg.charged, balance: msg.balance, expectedCharge, ttftMs } }));
      } else if (msg.type === 'error') {
        done(() => (ttftMs < 0 && !p.signal.aborted ? resolve({ kind: 'failed_early', error: msg.error }) : reject(fromWire(msg.error))));
      }
    };
    p.signal.addEventListener('abort', cancel, { once: true });
    socket
      .submit(meta, sealed, (msg) => {
        queue = queue.then(() => handle(msg)).catch((e: unknown) => {
          cancel();
          done(() => reject(e));
        });
      })
      .then(() => {
        // Sent: the host's time to start it runs from now.
        if (p.signal.aborted) cancel();
        else startTimer = setTimeout(giveUp, p.startTimeoutMs ?? START_TIMEOUT_MS);
      })
      .catch((e: unknown) => done(() => reject(e)));
  });
}

async function checkReceipt(
  signed: SignedReceipt,
  job: { host: VerifiedHost; meta: JobMeta; sentDigest: string; responseDigest: string; sealedEnd: SignedReceipt | undefined },
): Promise<void> {
  if (!(await verifyReceipt(signed, fromB64u(job.host.claims.signingPublicKey)))) {
    throw new CocoonError('receipt.signature_invalid', `the receipt of job ${job.meta.jobId} is not signed by host ${job.host.hostId}'s attested key`);
  }
  const r = signed.receipt;
  const mismatched = [
    r.jobId !== job.meta.jobId && 'jobId',
    r.hostId !== job.meta.hostId && 'hostId',
    r.model !== job.meta.model && 'model',
    r.requestDigest !== job.sentDigest && 'requestDigest',
    r.responseDigest !== job.responseDigest && 'responseDigest',
    r.completionTokens > job.meta.maxTokens && 'completionTokens',
    job.sealedEnd !== undefined && canonicalJson(job.sealedEnd) !== canonicalJson(signed) && 'the sealed final chunk',
  ].filter((f): f is string => typeof f === 'string');
  if (mismatched.length > 0) throw new CocoonError('receipt.mismatch', `the receipt of job ${job.meta.jobId} does not match what was sent and received: ${mismatched.join(', ')}`);
}
