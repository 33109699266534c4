import type WebSocket from 'ws';
import { buildBundle } from '@cocoon/shared/attestation/bundle';
import { createSimulatedProvider } from '@cocoon/shared/attestation/simulated';
import { generateSigningKeyPair, type SigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { generateHpkeKeyPair } from '@cocoon/shared/crypto/hpke-suite';
import type { AttestationBundle, Claims } from '@cocoon/shared/protocol/attestation-bundle';
import { encodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';
import { fromB64u, toB64u } from '@cocoon/shared/protocol/encoding';
import { hostIdFromNodeKey, signNodeHello } from '@cocoon/shared/protocol/node-key';
import { RequestSuites } from '@cocoon/shared/protocol/request-suite';
import { BrokerToHostSchema, type HostToBroker } from '@cocoon/shared/protocol/ws-messages';
import { ResponseDigest, signHostHello, signReceipt } from '@cocoon/shared/receipt';
import { newSocket } from './socket';
import type { ChunkTemplate } from './chunk-template';
import type { Stream } from './stream';

/** The model every simulated host serves and every simulated client asks for. */
export const LOAD_MODEL = 'demo/tiny';

/** A simulated host's enclave identity: real keys, a bundle from the simulated TEE (the broker verifies it). */
export interface SimIdentity {
  hostId: string;
  signing: SigningKeyPair;
  node: SigningKeyPair;
  bundle: AttestationBundle;
}

export async function createSimIdentity(): Promise<SimIdentity> {
  const hpke = await generateHpkeKeyPair(RequestSuites.x25519);
  const xwing = await generateHpkeKeyPair(RequestSuites.xwing);
  const signing = await generateSigningKeyPair();
  const node = await generateSigningKeyPair();
  const now = Math.floor(Date.now() / 1000);
  const claims: Claims = {
    version: 1,
    hostId: hostIdFromNodeKey(node.publicKey),
    hpkePublicKey: toB64u(hpke.publicKey),
    signingPublicKey: toB64u(signing.publicKey),
    xwingPublicKey: toB64u(xwing.publicKey),
    models: [{ name: LOAD_MODEL, weightsDigest: 'ab'.repeat(32) }],
    engine: { name: 'load-sim', imageDigest: `sha256:${'0'.repeat(64)}`, version: 'load', args: [], agentConfigDigest: '0'.repeat(64) },
    gpuEvidenceDigests: [],
    createdAt: now,
    expiresAt: now + 3600,
  };
  return { hostId: claims.hostId, signing, node, bundle: await buildBundle(claims, createSimulatedProvider()) };
}

/**
 * The response digest after n chunks of the template's bytes: the same for every stream (the
 * chain covers seq and bytes only), so it is computed once per n with shared/receipt.ts's own
 * ResponseDigest, as the host agent computes it.
 */
export class DigestChain {
  private readonly hexes: string[];
  private readonly digest = new ResponseDigest();
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly data: Uint8Array) {
    this.hexes = [this.digest.hex()];
  }

  after(n: number): Promise<string> {
    if (n < this.hexes.length) return Promise.resolve(this.hexes[n]!);
    this.tail = this.tail.then(async () => {
      while (this.hexes.length <= n) {
        await this.digest.update({ seq: this.hexes.length - 1, data: this.data });
        this.hexes.push(this.digest.hex());
      }
    });
    return this.tail.then(() => this.hexes[n]!);
  }
}

export interface SimHostEvents {
  /** The broker opened this job on the host: the stream it belongs to, if the driver knows it. */
  stream(jobId: string): Stream | undefined;
  paused(s: Stream, paused: boolean): void;
  cancelled(s: Stream): void;
  /** Trouble on the host side: an `error` the broker sent, or the socket closed by the broker. */
  error(code: string): void;
}

/**
 * A host speaking the broker's host protocol: challenge, attested hello with an enrollment token,
 * `job.start` for every `job.open`, chunk frames as the driver says, then the final frame and a
 * receipt signed by the attested key over the request and response digests (as
 * host/agent/job-runner.ts signs it).
 */
export class SimHost {
  private constructor(
    private readonly ws: WebSocket,
    readonly id: SimIdentity,
    private readonly template: ChunkTemplate,
    private readonly chain: DigestChain,
    private readonly requestDigest: string,
  ) {}

  static async connect(wsBase: string, id: SimIdentity, o: { enrollToken: string; maxConcurrentJobs: number; template: ChunkTemplate; chain: DigestChain; requestDigest: string; events: SimHostEvents }): Promise<SimHost> {
    const ws = newSocket(`${wsBase}/api/host`);
    const host = new SimHost(ws, id, o.template, o.chain, o.requestDigest);
    await new Promise<void>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('close', (code, reason) => reject(new Error(`host socket closed before welcome: ${code} ${String(reason)}`)));
      ws.on('message', (data: Buffer, isBinary) => {
        if (isBinary) return o.events.error('binary frame to a host');
        const msg = BrokerToHostSchema.parse(JSON.parse(String(data)));
        switch (msg.type) {
          case 'host.challenge':
            return void host.hello(msg.challenge, o.enrollToken, o.maxConcurrentJobs).catch(reject);
          case 'host.welcome':
            return resolve();
          case 'job.open': {
            const s = o.events.stream(msg.meta.jobId);
            if (!s) return host.send({ type: 'job.error', jobId: msg.meta.jobId, error: { code: 'engine.unavailable', message: 'unknown to the load driver' } });
            return host.send({ type: 'job.start', jobId: s.jobId, responseNonce: toB64u(crypto.getRandomValues(new Uint8Array(32))) });
          }
          case 'job.pause':
          case 'job.resume': {
            const s = o.events.stream(msg.jobId);
            return s && o.events.paused(s, msg.type === 'job.pause');
          }
          case 'job.cancel': {
            const s = o.events.stream(msg.jobId);
            return s && o.events.cancelled(s);
          }
          case 'error':
            if (msg.error.code === 'auth.host_invalid' || msg.error.code.startsWith('host.') || msg.error.code.startsWith('attestation.')) reject(new Error(`host refused: ${msg.error.code}: ${msg.error.message}`));
            return o.events.error(msg.error.code);
          default:
            return;
        }
      });
    });
    ws.on('close', (code, reason) => o.events.error(`host socket closed (${code}${reason.length ? ` ${String(reason)}` : ''})`));
    return host;
  }

  private async hello(challengeB64: string, enrollToken: string, maxConcurrentJobs: number): Promise<void> {
    const challenge = fromB64u(challengeB64);
    this.send({
      type: 'host.hello',
      protocol: 1,
      bundle: this.id.bundle,
      enrollToken,
      challengeSignature: await signHostHello(challenge, this.id.signing.privateKey),
      nodeSignature: await signNodeHello(challenge, this.id.hostId, this.id.node.privateKey),
      priceCoefficientMilli: 1000,
      maxConcurrentJobs,
    });
  }

  send(msg: HostToBroker): void {
    this.ws.send(JSON.stringify(msg));
  }

  sendChunk(s: Stream): void {
    const seq = s.sent(performance.now());
    this.ws.send(this.template.frame(s.jobId, seq));
  }

  /** The final frame, then `job.end` with the signed receipt. */
  async finish(s: Stream, maxTokens: number): Promise<void> {
    const n = s.nextSeq;
    const responseDigest = await this.chain.after(n);
    this.ws.send(encodeChunkFrame({ jobId: s.jobId, seq: n, final: true, pieces: 0, data: this.template.data }));
    this.template.forget(s.jobId);
    const receipt = await signReceipt({
      version: 1, jobId: s.jobId, hostId: this.id.hostId, model: LOAD_MODEL, promptTokens: 16, completionTokens: Math.min(Math.max(n, 1), maxTokens),
      finishReason: 'stop', requestDigest: this.requestDigest, responseDigest,
    }, this.id.signing.privateKey);
    this.send({ type: 'job.end', jobId: s.jobId, receipt });
  }

  close(): void {
    this.ws.removeAllListeners('close');
    this.ws.terminate();
  }
}
