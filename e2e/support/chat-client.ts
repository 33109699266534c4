import WebSocket from 'ws';
import { sign as signInitData } from '@telegram-apps/init-data-node';
import { verifyBundle } from '@cocoon/shared/attestation/verify';
import { requestRecipient, sealRequest } from '@cocoon/shared/crypto/envelope';
import type { ResponseOpener } from '@cocoon/shared/crypto/response-stream';
import { CocoonError, WireErrorSchema, type WireError } from '@cocoon/shared/errors';
import { ErrorResponseSchema, HostBundleResponseSchema, HostsResponseSchema, SessionResponseSchema } from '@cocoon/shared/protocol/api';
import { decodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { fromB64u } from '@cocoon/shared/protocol/encoding';
import type { ChatRequest } from '@cocoon/shared/protocol/jobs';
import type { RequestSuite } from '@cocoon/shared/protocol/request-suite';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import { BrokerToClientSchema, type ClientToBroker } from '@cocoon/shared/protocol/ws-messages';
import { verifyReceipt } from '@cocoon/shared/receipt';

/**
 * A Node client of the broker speaking exactly the Mini App's protocol (session, host choice,
 * attestation, sealing, streaming, receipt), for integration tests and `npm run bench`.
 */
export function signedInitData(botToken: string, user: { id: number; first_name: string; language_code?: string }, authDate = new Date()): string {
  return signInitData({ user, query_id: 'AAHdF6IQAAAAAN0XohDhrOrc' }, botToken, authDate);
}

export async function openSession(baseUrl: string, initData: string) {
  const res = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData }) });
  if (!res.ok) throw new Error(`session failed: ${res.status} ${await res.text()}`);
  return SessionResponseSchema.parse(await res.json());
}

export interface ChatResult {
  text: string;
  receipt: SignedReceipt;
  charged: bigint;
  balance: bigint;
  hold: bigint;
  /** Milliseconds from sending job.create to the first opened delta, and to the end. */
  ttftMs: number;
  /** Milliseconds from sending job.create to the last delta. */
  lastDeltaMs: number;
  totalMs: number;
  /** Engine deltas received: the chunks' `pieces` (the host coalesces deltas that arrive together into one chunk). */
  deltas: number;
}

export class ChatError extends Error {
  constructor(
    readonly error: WireError,
    /** 0n when the broker said it ended the job without a charge (hold released, no transfer). */
    readonly charged?: bigint,
  ) {
    super(`${error.code}: ${error.message}`);
  }
}

/** The default cap of a chat: 100 credits, what a new user holds. */
export const DEFAULT_MAX_CHARGE = 100_000_000n;

export async function chat(
  baseUrl: string,
  token: string,
  opts: {
    model: string;
    request: ChatRequest;
    maxTokens?: number;
    /** The most the job may cost, in micro-credits (the Mini App's max price per message). */
    maxCharge?: bigint;
    suite?: RequestSuite;
    /** Called after each opened delta; `cancel` sends `job.cancel` for the job. */
    onDelta?: (cancel: () => void) => void;
    /** Told when each step of the job reached the client, in ms from job.create: accepted, start, first token. */
    trace?: (step: 'accepted' | 'start' | 'first token', ms: number) => void;
  },
): Promise<ChatResult> {
  const headers = { authorization: `Bearer ${token}` };
  const hostsRes = await fetch(`${baseUrl}/api/hosts?model=${encodeURIComponent(opts.model)}`, { headers });
  const { hosts } = HostsResponseSchema.parse(await hostsRes.json());
  const host = hosts[0];
  if (!host) throw new ChatError({ code: 'job.model_unavailable', message: 'no host serves the model' });
  // The list is slim: fetch the bundle of the host this chat uses.
  const bundleRes = await fetch(`${baseUrl}/api/hosts/${encodeURIComponent(host.hostId)}/bundle`, { headers });
  if (!bundleRes.ok) throw new ChatError(WireErrorSchema.parse(ErrorResponseSchema.parse(await bundleRes.json()).error));
  const { bundle } = HostBundleResponseSchema.parse(await bundleRes.json());
  const verified = await verifyBundle(bundle, { policy: { allowSimulated: true } });
  if (!verified.ok || !verified.claims) throw new ChatError(verified.error ?? { code: 'internal', message: 'verification failed' });
  const meta = { jobId: crypto.randomUUID(), hostId: host.hostId, model: opts.model, maxTokens: opts.maxTokens ?? 64, maxCharge: String(opts.maxCharge ?? DEFAULT_MAX_CHARGE) };
  // X-Wing unless the caller asks for the legacy suite; a host without an X-Wing key is refused.
  const { sealed, opener } = await sealRequest({ recipient: requestRecipient(verified.claims, opts.suite), meta, request: opts.request });
  const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/api/ws');
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  const send = (m: ClientToBroker) => ws.send(JSON.stringify(m));
  try {
    // Authenticated first, as the Mini App's socket is before anyone types: time to first token
    // counts from the job, not from the connection.
    await new Promise<void>((resolve, reject) => {
      ws.once('message', (data) => {
        const msg = BrokerToClientSchema.parse(JSON.parse(data.toString()));
        if (msg.type === 'auth.ok') resolve();
        else reject(new ChatError(msg.type === 'error' ? msg.error : { code: 'internal', message: `expected auth.ok, got ${msg.type}` }));
      });
      send({ type: 'auth', token });
    });
    const cancel = () => send({ type: 'job.cancel', jobId: meta.jobId });
    return await stream(ws, opener, verified.claims.signingPublicKey, () => send({ type: 'job.create', meta, request: sealed }), opts.onDelta && (() => opts.onDelta!(cancel)), opts.trace);
  } finally {
    ws.close();
  }
}

function stream(
  ws: WebSocket, opener: ResponseOpener, signingKey: string, begin: () => void, onDelta?: () => void,
  trace?: (step: 'accepted' | 'start' | 'first token', ms: number) => void,
): Promise<ChatResult> {
  return new Promise((resolve, reject) => {
    let text = '';
    let hold = 0n;
    let deltas = 0;
    let t0 = 0;
    let ttft = -1;
    let last = -1;
    let queue = Promise.resolve();
    ws.on('close', () => reject(new ChatError({ code: 'job.host_gone', message: 'connection closed' })));
    ws.on('message', (data, isBinary) => {
      queue = queue.then(async () => {
        if (isBinary) {
          // A sealed chunk: the binary frame's header, then the ciphertext (shared/protocol/chunk-frame.ts).
          const bytes = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? new Uint8Array(data) : data;
          const frame = decodeChunkFrame(bytes);
          const p = await opener.open(frame);
          if (p.type === 'delta') {
            if (ttft < 0) {
              ttft = performance.now() - t0;
              trace?.('first token', ttft);
            }
            last = performance.now() - t0;
            text += p.text;
            deltas += frame.pieces;
            onDelta?.();
          }
          return;
        }
        const msg = BrokerToClientSchema.parse(JSON.parse(data.toString()));
        if (msg.type === 'job.accepted') {
          hold = msg.hold;
          trace?.('accepted', performance.now() - t0);
        } else if (msg.type === 'job.start') {
          trace?.('start', performance.now() - t0);
          await opener.start(msg.responseNonce);
        }
        else if (msg.type === 'job.settled') {
          opener.end();
          if (!(await verifyReceipt(msg.receipt, fromB64u(signingKey)))) throw new CocoonError('receipt.signature_invalid', 'receipt does not verify');
          resolve({ text, receipt: msg.receipt, charged: msg.charged, balance: msg.balance, hold, ttftMs: ttft, lastDeltaMs: last, totalMs: performance.now() - t0, deltas });
        } else if (msg.type === 'error') reject(new ChatError(msg.error, msg.charged === undefined ? undefined : BigInt(msg.charged)));
      }).catch((e: unknown) => reject(e instanceof CocoonError ? new ChatError(e.toWire()) : e));
    });
    t0 = performance.now();
    begin();
  });
}
