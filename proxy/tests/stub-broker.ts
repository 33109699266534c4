import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { buildBundle } from '@cocoon/shared/attestation/bundle';
import { signPolicy } from '@cocoon/shared/attestation/policy';
import { createSimulatedProvider } from '@cocoon/shared/attestation/simulated';
import { generateSigningKeyPair, type SigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { openRequest } from '@cocoon/shared/crypto/envelope';
import { generateHpkeKeyPair, type HpkeKeyPair } from '@cocoon/shared/crypto/hpke-suite';
import { costOf } from '@cocoon/shared/pricing';
import type { AttestationBundle, Claims } from '@cocoon/shared/protocol/attestation-bundle';
import { encodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { canonicalJson, toB64u, utf8 } from '@cocoon/shared/protocol/encoding';
import type { ChatRequest, ChunkPayload, SealedChunk } from '@cocoon/shared/protocol/jobs';
import { RequestSuites } from '@cocoon/shared/protocol/request-suite';
import { ClientToBrokerSchema, type BrokerToClient } from '@cocoon/shared/protocol/ws-messages';
import { requestDigest, ResponseDigest, signReceipt } from '@cocoon/shared/receipt';

/**
 * Test support: a stand-in broker with stand-in hosts behind it, speaking the real protocol (HTTP
 * API, `/api/ws`, sealed requests and chunks, signed receipts) and recording every request, so a
 * test can see what the proxy sent, and that it sent nothing when it should not.
 */
export const MODEL = 'stub/model';
export const PRICE = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };

export type HostBehaviour =
  /** Opens the request and answers with these pieces, ending with `finish`. */
  | { kind: 'answer'; pieces: ChunkPayload[]; finish?: 'stop' | 'length' | 'tool_calls' }
  /** Refuses every job before starting it with this error. */
  | { kind: 'refuse'; code: 'host.busy' | 'engine.unavailable' | 'engine.bad_request' }
  /** Starts the job, then drops it before its first chunk (the host's connection went): `job.host_gone`, hold released. */
  | { kind: 'drop' }
  /** Starts the job, then its engine fails before the first token: a sealed error chunk, then `engine.unavailable`. */
  | { kind: 'engine_fails' }
  /** Starts the job, then sends a chunk frame with flags the format does not know. */
  | { kind: 'malformed_frame' }
  /** Streams one answer piece, then drops the job: too late for another host. */
  | { kind: 'answer_then_drop'; text: string }
  /** Answers, but the receipt is signed by another key than the attested one (a broker forging receipts). */
  | { kind: 'forged_receipt' };

export interface StubHost {
  hostId: string;
  priceCoefficientMilli: number;
  behaviour: HostBehaviour;
  /** What the broker serves as the host's bundle; default: a valid simulated one. */
  bundle?: (valid: AttestationBundle, claims: Claims) => Promise<AttestationBundle> | AttestationBundle;
  claimsTtlS?: number;
}

export interface StubBroker {
  url: string;
  operatorKey: string;
  /** `METHOD path` of every HTTP request and `ws <type>` of every socket message, in order. */
  log: string[];
  /** The plaintext requests the stand-in hosts opened. */
  opened: ChatRequest[];
  /** Host id and job id of every job.create, in order. */
  jobs: { hostId: string; jobId: string }[];
  close(): Promise<void>;
}

interface LiveHost {
  spec: StubHost;
  claims: Claims;
  bundle: AttestationBundle;
  keys: { x: HpkeKeyPair['keyPair']; xwing: HpkeKeyPair['keyPair']; signing: SigningKeyPair };
}

async function makeHost(spec: StubHost): Promise<LiveHost> {
  const x = await generateHpkeKeyPair(RequestSuites.x25519);
  const xwing = await generateHpkeKeyPair(RequestSuites.xwing);
  const signing = await generateSigningKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const claims: Claims = {
    version: 1,
    hostId: spec.hostId,
    hpkePublicKey: toB64u(x.publicKey),
    signingPublicKey: toB64u(signing.publicKey),
    xwingPublicKey: toB64u(xwing.publicKey),
    models: [{ name: MODEL, weightsDigest: 'ab'.repeat(32), contextLength: 4096 }],
    engine: { name: 'stub', imageDigest: `sha256:${'cd'.repeat(32)}`, version: '1', args: [], agentConfigDigest: 'ef'.repeat(32) },
    gpuEvidenceDigests: [],
    createdAt: now - 60,
    expiresAt: now + (spec.claimsTtlS ?? 3600),
  };
  const valid = await buildBundle(claims, createSimulatedProvider());
  return { spec, claims, bundle: spec.bundle ? await spec.bundle(valid, claims) : valid, keys: { x: x.keyPair, xwing: xwing.keyPair, signing } };
}

export async function startStubBroker(opts: { hosts: StubHost[]; policy?: { expiresAt?: number; allowSimulated?: boolean } }): Promise<StubBroker> {
  const operator = await generateSigningKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const hosts = await Promise.all(opts.hosts.map(makeHost));
  const signedPolicy = await signPolicy({
    version: 2, sequence: 1, allowSimulated: opts.policy?.allowSimulated ?? true, images: [],
    engines: [{ name: 'stub', imageDigest: `sha256:${'cd'.repeat(32)}`, version: '1', args: [], models: { [MODEL]: 'ab'.repeat(32) } }],
    acceptedTcbStatuses: ['UpToDate'], maxCollateralAgeDays: 30, webBuilds: [], gpuReferences: [], expiresAt: opts.policy?.expiresAt ?? now + 86_400,
  }, operator);
  const log: string[] = [];
  const opened: ChatRequest[] = [];
  const jobs: { hostId: string; jobId: string }[] = [];

  const http = createServer((req, res) => {
    log.push(`${req.method} ${req.url}`);
    route(req, res);
  });
  function route(req: IncomingMessage, res: ServerResponse) {
    const json = (status: number, body: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const url = new URL(req.url ?? '/', 'http://stub');
    if (url.pathname === '/api/models') return json(200, { models: [{ name: MODEL, hostCount: hosts.length, price: { promptPerMillion: String(PRICE.promptPerMillion), completionPerMillion: String(PRICE.completionPerMillion) } }] });
    if (url.pathname === '/api/hosts') return json(200, { hosts: url.searchParams.get('model') === MODEL ? hosts.map((h) => ({ hostId: h.spec.hostId, priceCoefficientMilli: h.spec.priceCoefficientMilli })) : [] });
    if (url.pathname === '/api/attestation/policy') return json(200, { signedPolicy });
    const bundle = /^\/api\/hosts\/([^/]+)\/bundle$/.exec(url.pathname);
    const host = bundle && hosts.find((h) => h.spec.hostId === bundle[1]);
    if (host) return json(200, { hostId: host.spec.hostId, bundle: host.bundle });
    json(404, { error: { code: 'http.not_found', message: 'not here' } });
  }

  const wss = new WebSocketServer({ noServer: true });
  http.on('upgrade', (req, socket, head) => {
    log.push(`UPGRADE ${req.url}`);
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws));
  });
  function serveClient(ws: WebSocket) {
    const send = (m: BrokerToClient | Uint8Array) => ws.send(m instanceof Uint8Array ? m : JSON.stringify(m));
    ws.on('message', (data) => {
      const msg = ClientToBrokerSchema.parse(JSON.parse(data.toString()));
      log.push(`ws ${msg.type}`);
      if (msg.type === 'auth') return send({ type: 'auth.ok' });
      if (msg.type !== 'job.create') return;
      const host = hosts.find((h) => h.spec.hostId === msg.meta.hostId)!;
      jobs.push({ hostId: msg.meta.hostId, jobId: msg.meta.jobId });
      void runHost(host, msg.meta, msg.request, send, opened).catch((e: unknown) => send({ type: 'error', jobId: msg.meta.jobId, error: { code: 'internal', message: String(e) } }));
    });
  }

  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`,
    operatorKey: toB64u(operator.publicKey),
    log,
    opened,
    jobs,
    close: () => new Promise((r) => {
      for (const c of wss.clients) c.terminate();
      http.closeAllConnections();
      http.close(() => r());
    }),
  };
}

type Meta = Parameters<typeof openRequest>[0]['meta'];
type Sealed = Parameters<typeof openRequest>[0]['sealed'];

async function runHost(host: LiveHost, meta: Meta, sealed: Sealed, send: (m: BrokerToClient | Uint8Array) => void, opened: ChatRequest[]) {
  const b = host.spec.behaviour;
  if (b.kind === 'refuse') return send({ type: 'error', jobId: meta.jobId, error: { code: b.code, message: `stub host ${host.spec.hostId} refuses` }, charged: '0' });
  const { request, sealer } = await openRequest({ keys: { [RequestSuites.x25519]: host.keys.x, [RequestSuites.xwing]: host.keys.xwing }, meta, sealed });
  opened.push(request);
  send({ type: 'job.accepted', jobId: meta.jobId, hold: '1000' });
  send({ type: 'job.start', jobId: meta.jobId, responseNonce: sealer.responseNonce });
  if (b.kind === 'drop') return send({ type: 'error', jobId: meta.jobId, error: { code: 'job.host_gone', message: 'the host disconnected' }, charged: '0' });
  if (b.kind === 'engine_fails') {
    const error = { code: 'engine.unavailable' as const, message: 'the engine is down' };
    const chunk = await sealer.seal({ type: 'error', ...error }, true);
    send(encodeChunkFrame({ jobId: meta.jobId, ...chunk, pieces: 0 }));
    return send({ type: 'error', jobId: meta.jobId, error, charged: '0' });
  }
  if (b.kind === 'malformed_frame') {
    const frame = encodeChunkFrame({ jobId: meta.jobId, ...(await sealer.seal({ type: 'delta', text: 'x' }, false)), pieces: 1 });
    frame[1] = 0x80;
    return send(frame);
  }
  if (b.kind === 'answer_then_drop') {
    send(encodeChunkFrame({ jobId: meta.jobId, ...(await sealer.seal({ type: 'delta', text: b.text }, false)), pieces: 1 }));
    return send({ type: 'error', jobId: meta.jobId, error: { code: 'job.host_gone', message: 'the host disconnected' } });
  }
  const pieces = b.kind === 'answer' ? b.pieces : [{ type: 'delta' as const, text: 'Hi' }];
  const digest = new ResponseDigest();
  const emit = async (chunk: SealedChunk) => {
    if (!chunk.final) await digest.update(chunk);
    send(encodeChunkFrame({ jobId: meta.jobId, ...chunk, pieces: chunk.final ? 0 : 1 }));
  };
  for (const p of pieces) await emit(await sealer.seal(p, false));
  const usage = { promptTokens: 7, completionTokens: pieces.length };
  const receipt = await signReceipt({
    version: 1, jobId: meta.jobId, hostId: host.spec.hostId, model: meta.model, ...usage,
    finishReason: b.kind === 'answer' ? (b.finish ?? 'stop') : 'stop', requestDigest: await requestDigest(sealed), responseDigest: digest.hex(),
  }, b.kind === 'forged_receipt' ? (await generateSigningKeyPair()).privateKey : host.keys.signing.privateKey);
  await emit(await sealer.seal({ type: 'end', receipt }, true));
  const charged = costOf(PRICE, usage, BigInt(host.spec.priceCoefficientMilli));
  send({ type: 'job.settled', jobId: meta.jobId, receipt, charged: String(charged), balance: '1000000000' });
}

/** A bundle whose claims were changed after they were quoted: the quote no longer binds them. */
export function tamperedClaims(valid: AttestationBundle, claims: Claims): AttestationBundle {
  const forged = { ...claims, models: [{ name: MODEL, weightsDigest: 'ab'.repeat(32), contextLength: 999_999 }] };
  return { ...valid, claims: toB64u(utf8(canonicalJson(forged))) };
}
