import { buildBundle } from '@cocoon/shared/attestation/bundle';
import { createSimulatedProvider, type TeeProvider } from '@cocoon/shared/attestation/simulated';
import { generateSigningKeyPair, type SigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { openRequest } from '@cocoon/shared/crypto/envelope';
import { generateHpkeKeyPair, type HpkeKeyPair } from '@cocoon/shared/crypto/hpke-suite';
import type { Price } from '@cocoon/shared/pricing';
import type { AttestationBundle, Claims } from '@cocoon/shared/protocol/attestation-bundle';
import { fromB64u, toB64u } from '@cocoon/shared/protocol/encoding';
import { encodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import type { JobMeta, SealedChunk, SealedRequest } from '@cocoon/shared/protocol/jobs';
import { RequestSuites } from '@cocoon/shared/protocol/request-suite';
import type { Receipt } from '@cocoon/shared/protocol/receipt';
import { hostIdFromNodeKey, signNodeHello } from '@cocoon/shared/protocol/node-key';
import { BrokerToHostSchema, type HostToBroker, type MachineInfo } from '@cocoon/shared/protocol/ws-messages';
import { requestDigest, ResponseDigest, signHostHello, signReceipt } from '@cocoon/shared/receipt';
import { TestSocket } from './ws-client';

/**
 * A host agent for broker tests, built from shared/ only: a real simulated-TEE identity, real
 * sealing, real receipts, with knobs to misbehave.
 */
export interface FakeIdentity {
  hpke: HpkeKeyPair;
  xwing: HpkeKeyPair;
  signing: SigningKeyPair;
  /** The machine's persistent node key: its public key is the host id. */
  node: SigningKeyPair;
  claims: Claims;
  bundle: AttestationBundle;
}

/**
 * A fresh enclave identity (per-boot keys, bundle) on a machine: a new one unless `node` names an
 * existing machine's node key (the same machine rebooted). `hostId` overrides the node id, for
 * tests of ids that are not one.
 */
export async function createFakeIdentity(opts: { node?: SigningKeyPair; hostId?: string; models?: string[]; ttlS?: number; provider?: TeeProvider } = {}): Promise<FakeIdentity> {
  const hpke = await generateHpkeKeyPair(RequestSuites.x25519);
  const xwing = await generateHpkeKeyPair(RequestSuites.xwing);
  const signing = await generateSigningKeyPair();
  const node = opts.node ?? (await generateSigningKeyPair());
  const now = Math.floor(Date.now() / 1000);
  const claims: Claims = {
    version: 1,
    hostId: opts.hostId ?? hostIdFromNodeKey(node.publicKey),
    hpkePublicKey: toB64u(hpke.publicKey),
    signingPublicKey: toB64u(signing.publicKey),
    xwingPublicKey: toB64u(xwing.publicKey),
    models: (opts.models ?? ['demo/tiny']).map((name) => ({ name, weightsDigest: 'ab'.repeat(32) })),
    engine: { name: 'fake', imageDigest: 'sha256:0000000000000000000000000000000000000000000000000000000000000000', version: 'test', args: [], agentConfigDigest: '0000000000000000000000000000000000000000000000000000000000000000' },
    gpuEvidenceDigests: [],
    createdAt: now,
    expiresAt: now + (opts.ttlS ?? 3600),
  };
  return { hpke, xwing, signing, node, claims, bundle: await buildBundle(claims, opts.provider ?? createSimulatedProvider()) };
}

export interface HelloOptions {
  /** The owner's one-time token: needed on a machine's first connection (and to re-enroll a removed one). */
  enrollToken?: string;
  priceCoefficientMilli?: number;
  /** The capacity the hello states; unset: the hello states none (the protocol's default applies). */
  maxConcurrentJobs?: number;
  /** Sign the challenge with this key instead of the attested one. */
  challengeSigner?: SigningKeyPair;
  /** Sign the node signature with this key instead of the machine's node key. */
  nodeSigner?: SigningKeyPair;
  machine?: MachineInfo;
  bundle?: AttestationBundle;
}

/** Connects and answers the challenge; returns the socket before the broker's verdict. */
export async function sayHello(wsBase: string, id: FakeIdentity, opts: HelloOptions): Promise<TestSocket> {
  const socket = await TestSocket.open(`${wsBase}/api/host`);
  const { challenge } = await socket.next<{ challenge: string }>('host.challenge');
  const signer = opts.challengeSigner ?? id.signing;
  socket.send({
    type: 'host.hello',
    protocol: 1,
    bundle: opts.bundle ?? id.bundle,
    ...(opts.enrollToken === undefined ? {} : { enrollToken: opts.enrollToken }),
    challengeSignature: await signHostHello(fromB64u(challenge), signer.privateKey),
    nodeSignature: await signNodeHello(fromB64u(challenge), id.claims.hostId, (opts.nodeSigner ?? id.node).privateKey),
    ...(opts.machine === undefined ? {} : { machine: opts.machine }),
    priceCoefficientMilli: opts.priceCoefficientMilli ?? 1000,
    ...(opts.maxConcurrentJobs === undefined ? {} : { maxConcurrentJobs: opts.maxConcurrentJobs }),
  } satisfies HostToBroker);
  return socket;
}

/** How the fake host answers a job. */
export interface JobScript {
  deltas: string[];
  usage: { promptTokens: number; completionTokens: number };
  /** Change the receipt before it is signed (a lying host). */
  editReceipt?: (r: Receipt) => Receipt;
  /** Flip a bit of the signature after signing (a forged receipt). */
  corruptSignature?: boolean;
  /** Drop the connection after this many delta chunks. */
  dieAfterDeltas?: number;
  /** After the deltas, wait for job.cancel and end with finishReason "cancelled". */
  awaitCancel?: boolean;
  /** Answer with job.error instead. */
  fail?: boolean;
  /** Do nothing at all (a stalled host). */
  stall?: boolean;
  /** Engine deltas per chunk (the frame's `pieces`), by delta index; 1 where unset. */
  pieces?: number[];
  /** Keep sending chunks while told `job.pause` (a host that ignores backpressure). */
  ignorePause?: boolean;
}

export const defaultScript: JobScript = { deltas: ['Hello', ', ', 'world'], usage: { promptTokens: 21, completionTokens: 3 } };

export class FakeHost {
  readonly opened: JobMeta[] = [];
  /** The base price the broker sent with each job, by job id. */
  readonly prices = new Map<string, Price>();
  readonly cancelled = new Set<string>();
  /** Jobs the broker told to pause (job.pause) and not yet to resume. */
  readonly paused = new Set<string>();
  /** Every job.pause / job.resume the broker sent, in order. */
  readonly pressure: { type: 'job.pause' | 'job.resume'; jobId: string }[] = [];
  /** Answer chunks sent, by job id. */
  readonly chunksSent = new Map<string, number>();
  private readonly resumeWaiters = new Map<string, () => void>();
  /** Every host.settings the broker sent (the owner changed the price coefficient in the app). */
  readonly settings: number[] = [];
  private readonly cancelWaiters = new Map<string, () => void>();
  script: JobScript = defaultScript;

  private constructor(
    readonly socket: TestSocket,
    readonly id: FakeIdentity,
  ) {
    socket.ws.on('message', (data, isBinary) => {
      if (isBinary) throw new Error('the broker sent a host a binary frame');
      this.onFrame(String(data));
    });
  }

  /** Enrolls and waits for `host.welcome`; throws with the broker's error code otherwise. */
  static async start(wsBase: string, id: FakeIdentity, opts: HelloOptions): Promise<FakeHost> {
    const socket = await sayHello(wsBase, id, opts);
    const reply = await socket.next<{ type: string; error?: { code: string } }>();
    if (reply.type !== 'host.welcome') throw new Error(`enrollment refused: ${reply.error?.code}`);
    return new FakeHost(socket, id);
  }

  get hostId(): string {
    return this.id.claims.hostId;
  }

  send(msg: HostToBroker): void {
    this.socket.send(msg);
  }

  /** Sends a sealed chunk as its binary frame (shared/protocol/chunk-frame.ts), as host agents do. */
  sendChunk(jobId: string, chunk: SealedChunk, pieces = chunk.final ? 0 : 1): void {
    this.socket.send(encodeChunkFrame({ jobId, ...chunk, pieces }));
  }

  private onFrame(text: string): void {
    const msg = BrokerToHostSchema.parse(JSON.parse(text));
    if (msg.type === 'job.open') {
      this.prices.set(msg.meta.jobId, msg.price);
      void this.run(msg.meta, msg.request);
    }
    if (msg.type === 'host.settings') this.settings.push(msg.priceCoefficientMilli);
    if (msg.type === 'job.cancel') {
      this.cancelled.add(msg.jobId);
      this.cancelWaiters.get(msg.jobId)?.();
      this.resumeWaiters.get(msg.jobId)?.();
    }
    if (msg.type === 'job.pause' || msg.type === 'job.resume') {
      this.pressure.push({ type: msg.type, jobId: msg.jobId });
      if (msg.type === 'job.pause') this.paused.add(msg.jobId);
      else {
        this.paused.delete(msg.jobId);
        this.resumeWaiters.get(msg.jobId)?.();
      }
    }
  }

  private async run(meta: JobMeta, request: SealedRequest): Promise<void> {
    this.opened.push(meta);
    const script = this.script;
    if (script.stall) return;
    const jobId = meta.jobId;
    if (script.fail) return this.send({ type: 'job.error', jobId, error: { code: 'engine.unavailable', message: 'engine is down' } });
    const keys = { [RequestSuites.x25519]: this.id.hpke.keyPair, [RequestSuites.xwing]: this.id.xwing.keyPair };
    const { sealer } = await openRequest({ keys, meta, sealed: request });
    this.send({ type: 'job.start', jobId, responseNonce: sealer.responseNonce });
    const digest = new ResponseDigest();
    for (const [i, text] of script.deltas.entries()) {
      // Each delta comes as an engine's would, from I/O: what the broker sent meanwhile (job.pause, job.cancel) is read between them.
      await new Promise((r) => setImmediate(r));
      if (script.dieAfterDeltas === i) return this.socket.terminate();
      if (!script.ignorePause) await this.whileRunning(jobId);
      const chunk = await sealer.seal({ type: 'delta', text }, false);
      await digest.update(chunk);
      this.sendChunk(jobId, chunk, script.pieces?.[i] ?? 1);
      this.chunksSent.set(jobId, (this.chunksSent.get(jobId) ?? 0) + 1);
    }
    let finishReason: Receipt['finishReason'] = 'stop';
    if (script.awaitCancel) {
      await new Promise<void>((resolve) => (this.cancelled.has(jobId) ? resolve() : this.cancelWaiters.set(jobId, resolve)));
      finishReason = 'cancelled';
    }
    let receipt: Receipt = {
      version: 1, jobId, hostId: this.id.claims.hostId, model: meta.model, ...script.usage, finishReason,
      requestDigest: await requestDigest(request), responseDigest: digest.hex(),
    };
    receipt = script.editReceipt?.(receipt) ?? receipt;
    const signed = await signReceipt(receipt, this.id.signing.privateKey);
    if (script.corruptSignature) {
      const sig = fromB64u(signed.signature);
      sig[0]! ^= 1;
      signed.signature = toB64u(sig);
    }
    this.sendChunk(jobId, await sealer.seal({ type: 'end', receipt: signed }, true));
    this.send({ type: 'job.end', jobId, receipt: signed });
  }

  /** Returns at once unless the job is paused; then when it is resumed or cancelled. */
  private async whileRunning(jobId: string): Promise<void> {
    while (this.paused.has(jobId) && !this.cancelled.has(jobId)) {
      await new Promise<void>((resolve) => this.resumeWaiters.set(jobId, resolve));
    }
    this.resumeWaiters.delete(jobId);
  }
}
