import { buildBundle } from '../../attestation/bundle';
import { createSimulatedProvider } from '../../attestation/simulated';
import { generateSigningKeyPair, type SigningKeyPair } from '../../crypto/ed25519';
import { requestRecipient, sealRequest, type RequestKeys } from '../../crypto/envelope';
import { generateHpkeKeyPair } from '../../crypto/hpke-suite';
import { ResponseSealer } from '../../crypto/response-stream';
import type { AttestationBundle, Claims } from '../../protocol/attestation-bundle';
import { encodeChunkFrame } from '../../protocol/chunk-frame';
import { toB64u } from '../../protocol/encoding';
import { hostIdFromNodeKey, signNodeHello } from '../../protocol/node-key';
import type { JobMeta, SealedChunk, SealedRequest } from '../../protocol/jobs';
import type { SignedReceipt } from '../../protocol/receipt';
import { RequestSuites } from '../../protocol/request-suite';
import type { BrokerToClient, BrokerToHost, ClientToBroker, HostToBroker } from '../../protocol/ws-messages';
import { signHostHello, signReceipt } from '../../receipt';

/**
 * Test-only: one valid message of every wire type, built with real keys (a simulated-TEE bundle,
 * sealed requests of both suites, a sealed response stream, a signed receipt), and what a receiver
 * needs to check them: the fuzz targets mutate these and feed them to the parsers and decoders.
 */
export interface ProtocolSamples {
  claims: Claims;
  bundle: AttestationBundle;
  signing: SigningKeyPair;
  keys: RequestKeys;
  meta: JobMeta;
  sealed: Record<'xwing' | 'x25519', SealedRequest>;
  challenge: Uint8Array;
  /** The response stream: its secret and enc (what a client's opener holds), nonce and chunks. */
  response: { secret: Uint8Array; enc: Uint8Array; nonce: string; chunks: SealedChunk[] };
  /** The same chunks as binary frames (shared/protocol/chunk-frame.ts), as hosts send and clients receive them. */
  chunkFrames: Uint8Array[];
  receipt: SignedReceipt;
  clientToBroker: ClientToBroker[];
  hostToBroker: HostToBroker[];
  brokerToHost: BrokerToHost[];
  brokerToClient: BrokerToClient[];
}

export async function protocolSamples(): Promise<ProtocolSamples> {
  const x25519 = await generateHpkeKeyPair(RequestSuites.x25519);
  const xwing = await generateHpkeKeyPair(RequestSuites.xwing);
  const signing = await generateSigningKeyPair();
  const node = await generateSigningKeyPair();
  const claims: Claims = {
    version: 1,
    hostId: hostIdFromNodeKey(node.publicKey),
    hpkePublicKey: toB64u(x25519.publicKey),
    signingPublicKey: toB64u(signing.publicKey),
    xwingPublicKey: toB64u(xwing.publicKey),
    models: [{ name: 'demo/tiny', weightsDigest: 'ab'.repeat(32) }],
    engine: { name: 'fuzz', imageDigest: `sha256:${'0'.repeat(64)}`, version: '1', args: ['--x'], agentConfigDigest: '0'.repeat(64) },
    gpuEvidenceDigests: [],
    createdAt: 1_700_000_000,
    expiresAt: 4_000_000_000,
  };
  const bundle = await buildBundle(claims, createSimulatedProvider());
  const meta: JobMeta = { jobId: '0b6f3d4e-8c2a-4f7e-9a1b-2c3d4e5f6a7b', hostId: claims.hostId, model: 'demo/tiny', maxTokens: 64, maxCharge: '5000000' };
  const request = { messages: [{ role: 'user' as const, content: 'Say hello' }] };
  const sealed = {
    xwing: (await sealRequest({ recipient: requestRecipient(claims, RequestSuites.xwing), meta, request })).sealed,
    x25519: (await sealRequest({ recipient: requestRecipient(claims, RequestSuites.x25519), meta, request })).sealed,
  };
  const secret = crypto.getRandomValues(new Uint8Array(32));
  const enc = crypto.getRandomValues(new Uint8Array(32));
  const sealer = await ResponseSealer.create(secret, enc);
  const chunks = [await sealer.seal({ type: 'delta', text: 'Hello' }, false), await sealer.seal({ type: 'delta', text: ' world' }, false)];
  const receipt = await signReceipt(
    { version: 1, jobId: meta.jobId, hostId: meta.hostId, model: meta.model, promptTokens: 3, completionTokens: 2, finishReason: 'stop', requestDigest: 'a'.repeat(64), responseDigest: 'b'.repeat(64) },
    signing.privateKey,
  );
  chunks.push(await sealer.seal({ type: 'end', receipt }, true));
  const challenge = crypto.getRandomValues(new Uint8Array(32));
  const price = { promptPerMillion: '1000000', completionPerMillion: '2000000' };
  const { jobId } = meta;
  return {
    claims,
    bundle,
    signing,
    keys: { [RequestSuites.x25519]: x25519.keyPair, [RequestSuites.xwing]: xwing.keyPair },
    meta,
    sealed,
    challenge,
    response: { secret, enc, nonce: sealer.responseNonce, chunks },
    chunkFrames: chunks.map((c) => encodeChunkFrame({ jobId, ...c, pieces: c.final ? 0 : 1 })),
    receipt,
    clientToBroker: [
      { type: 'auth', token: 'u'.repeat(43) },
      { type: 'job.create', meta, request: sealed.xwing },
      { type: 'job.create', meta, request: sealed.x25519 },
      { type: 'job.cancel', jobId },
      { type: 'ping' },
    ],
    hostToBroker: [
      {
        type: 'host.hello',
        protocol: 1,
        bundle,
        enrollToken: 'cet_' + 'e'.repeat(43),
        challengeSignature: await signHostHello(challenge, signing.privateKey),
        nodeSignature: await signNodeHello(challenge, claims.hostId, node.privateKey),
        machine: { agentVersion: '0.1.0', gpus: [{ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81_559, ccMode: 'on' }] },
        priceCoefficientMilli: 1000,
      },
      { type: 'host.refresh', bundle },
      { type: 'host.drain' },
      { type: 'job.start', jobId, responseNonce: sealer.responseNonce },
      { type: 'job.end', jobId, receipt },
      { type: 'job.error', jobId, error: { code: 'engine.unavailable', message: 'engine down' } },
    ],
    brokerToHost: [
      { type: 'host.challenge', challenge: toB64u(challenge) },
      { type: 'host.welcome', hostId: claims.hostId },
      { type: 'host.settings', priceCoefficientMilli: 1500 },
      { type: 'job.open', meta, request: sealed.x25519, price },
      { type: 'job.open', meta, request: sealed.xwing, price },
      { type: 'job.cancel', jobId },
      { type: 'error', error: { code: 'protocol.malformed_message', message: 'bad frame' } },
    ],
    brokerToClient: [
      { type: 'auth.ok' },
      { type: 'job.accepted', jobId, hold: '1234567' },
      { type: 'job.start', jobId, responseNonce: sealer.responseNonce },
      { type: 'job.settled', jobId, receipt, charged: '1000', balance: '99000' },
      { type: 'error', jobId, error: { code: 'job.host_gone', message: 'gone' } },
      { type: 'pong' },
    ],
  };
}
