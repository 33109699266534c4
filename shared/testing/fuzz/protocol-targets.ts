import fc from 'fast-check';
import type { z } from 'zod';
import { verifyBundle } from '../../attestation/verify';
import { openRequest } from '../../crypto/envelope';
import { ResponseOpener } from '../../crypto/response-stream';
import { CocoonError } from '../../errors';
import { b64uBytes, B64uSchema, BigIntString, canonicalJson, fromB64u, fromHex, fromUtf8, isB64u, toB64u, toHex, utf8 } from '../../protocol/encoding';
import { SimulatedQuoteSchema } from '../../protocol/attestation-bundle';
import { decodeChunkFrame, encodeChunkFrame } from '../../protocol/chunk-frame';
import { BrokerToClientSchema, BrokerToHostSchema, ClientToBrokerSchema, HostToBrokerSchema } from '../../protocol/ws-messages';
import { requestDigest, ResponseDigest, verifyHostHello, verifyReceipt } from '../../receipt';
import { accepted, FuzzFailure, fuzzTarget, type FuzzTarget } from './harness';
import { applyJsonEdits, jsonEdits, type JsonEdit } from './json';
import { messageInputs, messageText, type MessageInput } from './messages';
import { anyBytes, anyString, applyByteEdits, byteEdits, editText, mutantsOf, type ByteEdit, type Mutant } from './mutate';
import { protocolSamples, type ProtocolSamples } from './protocol-samples';
import { schemasTarget } from './schema-targets';
import { assertNoInternal } from './tdx-targets';

/**
 * Test-only: fuzz targets for every wire message (the zod schemas of shared/protocol) and for what
 * a receiver does right after the schema: decode base64url, hash, open, verify. A schema-valid
 * value that then fails to decode is a failure (it would be answered `internal`), and so is an
 * altered receipt, bundle, hello signature, sealed request or response chunk that is accepted.
 */

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A decoding step after the schema: any throw means the schema let an undecodable value through. */
async function mustDecode<T>(what: string, decode: () => T | Promise<T>): Promise<T> {
  try {
    return await decode();
  } catch (e) {
    throw new FuzzFailure(`schema-valid ${what} does not decode: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
const VERIFY_AT = new Date('2030-01-01T00:00:00Z');

/**
 * What a bundle signs: the claims (canonical bytes, so the same string) and the simulated quote's
 * fields; the quote's JSON text may differ (key order, unknown keys) without changing what is signed.
 */
function sameSignedContent(b: { claims: string; quote: string }, s: ProtocolSamples): boolean {
  const quoteOf = (q: string) => SimulatedQuoteSchema.parse(JSON.parse(fromUtf8(fromB64u(q))));
  return b.claims === s.bundle.claims && same(quoteOf(b.quote), quoteOf(s.bundle.quote));
}

async function checkBundle(bundle: unknown, s: ProtocolSamples) {
  const r = await verifyBundle(bundle, { policy: { allowSimulated: true }, now: VERIFY_AT });
  assertNoInternal(r.checks);
  if (r.error?.code === 'internal') throw new FuzzFailure('verifyBundle answered internal');
  if (r.ok && !sameSignedContent(bundle as { claims: string; quote: string }, s)) throw new FuzzFailure('an altered bundle verified');
  return r;
}

/** What the broker does with a client frame once the schema passed (server/relay/in-process-relay.ts). */
export async function consumeClientFrame(msg: z.output<typeof ClientToBrokerSchema>): Promise<void> {
  if (msg.type !== 'job.create') return;
  await mustDecode('ciphertext', () => fromB64u(msg.request.ciphertext).length);
  await mustDecode('sealed request', () => requestDigest(msg.request));
}

/** What the broker does with a host frame once the schema passed (enrollment, relay, receipt check). */
export async function consumeHostFrame(msg: z.output<typeof HostToBrokerSchema>, s: ProtocolSamples): Promise<void> {
  switch (msg.type) {
    case 'host.hello': {
      const { ok, claims } = await checkBundle(msg.bundle, s);
      if (!ok || !claims) return;
      const key = await mustDecode('signing key', () => fromB64u(claims.signingPublicKey));
      const hello = s.hostToBroker[0] as { challengeSignature: string };
      if ((await verifyHostHello(s.challenge, msg.challengeSignature, key)) && msg.challengeSignature !== hello.challengeSignature) {
        throw new FuzzFailure('an altered hello signature verified');
      }
      return;
    }
    case 'host.refresh':
      await checkBundle(msg.bundle, s);
      return;
    case 'job.start':
      await mustDecode('response nonce', () => fromB64u(msg.responseNonce));
      return;
    case 'job.end':
      if ((await verifyReceipt(msg.receipt, s.signing.publicKey)) && !same(msg.receipt, s.receipt)) throw new FuzzFailure('an altered receipt verified');
      return;
    case 'job.error':
      return;
  }
}

/** What a host agent does with a broker frame: decode the challenge, open a job with its keys. */
export async function consumeBrokerToHost(msg: z.output<typeof BrokerToHostSchema>, s: ProtocolSamples): Promise<void> {
  if (msg.type === 'host.challenge') await mustDecode('challenge', () => fromB64u(msg.challenge));
  if (msg.type !== 'job.open') return;
  try {
    await openRequest({ keys: s.keys, meta: msg.meta, sealed: msg.request });
  } catch (e) {
    if (e instanceof CocoonError && e.code !== 'internal') return;
    throw e;
  }
  const original = msg.request.suite === s.sealed.x25519.suite ? s.sealed.x25519 : s.sealed.xwing;
  if (!same(msg.meta, s.meta) || !same(msg.request, original)) throw new FuzzFailure('an altered job (metadata or sealed request) opened');
}

/** What a client does with a broker frame: start and open the response stream, verify the receipt. */
export async function consumeBrokerToClient(msg: z.output<typeof BrokerToClientSchema>, s: ProtocolSamples): Promise<void> {
  const opener = new ResponseOpener(s.response.secret, s.response.enc);
  const own = (e: unknown) => {
    if (!(e instanceof CocoonError) || e.code === 'internal') throw e;
  };
  switch (msg.type) {
    case 'job.start': {
      await opener.start(msg.responseNonce).catch(own);
      const opened = await opener.open(s.response.chunks[0]!).then(() => true, (e: unknown) => (own(e), false));
      if (opened && msg.responseNonce !== s.response.nonce) throw new FuzzFailure('an altered response nonce opened the stream');
      return;
    }
    case 'job.settled':
      if ((await verifyReceipt(msg.receipt, s.signing.publicKey)) && !same(msg.receipt, s.receipt)) throw new FuzzFailure('an altered receipt verified');
      return;
    default:
      return;
  }
}

const CHUNK_FRAME_HINTS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 23, 24];

/**
 * The binary chunk frame (shared/protocol/chunk-frame.ts), what the broker reads of every token:
 * its header decodes or is refused with protocol.malformed_message; what decodes re-encodes to the
 * same bytes (one frame, one encoding), feeds the response digest as the broker does, and opens for
 * a client only if its seq, final flag and sealed bytes are the host's. `pieces` is outside the
 * AEAD by design (the broker bounds what it bills with it), so a frame differing only there opens.
 */
function chunkFrameTarget(s: ProtocolSamples): FuzzTarget {
  const vectors = Object.fromEntries(s.chunkFrames.map((bytes, i) => [`chunk${i}`, { bytes, hints: CHUNK_FRAME_HINTS }]));
  return fuzzTarget<Mutant | { any: Uint8Array }>({
    name: 'protocol.chunk-frame',
    testRuns: 2000,
    inputs: fc.oneof({ weight: 4, arbitrary: mutantsOf(vectors, { maxEdits: 3 }) }, { weight: 1, arbitrary: anyBytes(256).map((any) => ({ any })) }),
    async run(input) {
      const bytes = 'any' in input ? input.any : applyByteEdits(vectors[input.vector]!.bytes, input.edits);
      const frame = decodeChunkFrame(bytes);
      const again = encodeChunkFrame(frame);
      if (again.length !== bytes.length || !again.every((b, i) => b === bytes[i])) throw new FuzzFailure('a decoded chunk frame does not re-encode to its bytes');
      await mustDecode('chunk frame', () => new ResponseDigest().update(frame));
      const original = s.response.chunks[frame.seq];
      const opener = new ResponseOpener(s.response.secret, s.response.enc);
      await opener.start(s.response.nonce);
      for (const c of s.response.chunks.slice(0, frame.seq)) await opener.open(c);
      const opened = await accepted(opener.open(frame));
      const same = original && original.final === frame.final && original.data.length === frame.data.length && original.data.every((b, i) => b === frame.data[i]);
      if (opened && !same) throw new FuzzFailure('an altered chunk frame opened');
    },
  });
}

/** A WebSocket protocol: its schema, its samples, and what the receiving side does with a message. */
export interface WireProtocol<S extends z.ZodType> {
  name: string;
  schema: S;
  samples: (s: ProtocolSamples) => readonly unknown[];
  consume(msg: z.output<S>, s: ProtocolSamples): Promise<void>;
  testRuns: number;
}

export const wireProtocols = [
  { name: 'client-to-broker', schema: ClientToBrokerSchema, samples: (s: ProtocolSamples) => s.clientToBroker, consume: (m: z.output<typeof ClientToBrokerSchema>) => consumeClientFrame(m), testRuns: 2000 },
  { name: 'host-to-broker', schema: HostToBrokerSchema, samples: (s: ProtocolSamples) => s.hostToBroker, consume: consumeHostFrame, testRuns: 1000 },
  { name: 'broker-to-host', schema: BrokerToHostSchema, samples: (s: ProtocolSamples) => s.brokerToHost, consume: consumeBrokerToHost, testRuns: 500 },
  { name: 'broker-to-client', schema: BrokerToClientSchema, samples: (s: ProtocolSamples) => s.brokerToClient, consume: consumeBrokerToClient, testRuns: 1000 },
] as const;

function wireTarget<S extends z.ZodType>(p: WireProtocol<S>, s: ProtocolSamples): FuzzTarget {
  const samples = p.samples(s);
  return fuzzTarget<MessageInput>({
    name: `protocol.ws.${p.name}`,
    testRuns: p.testRuns,
    inputs: messageInputs(samples),
    async run(input) {
      const r = p.schema.safeParse(jsonOrUndefined(messageText(samples, input)));
      if (r.success) await p.consume(r.data, s);
    },
  });
}

type BundleInput = MessageInput | { claims: JsonEdit[] } | { quote: JsonEdit[] };

/** The bundle, also with its claims or simulated quote edited inside their base64url: REPORTDATA and the quote signature must refuse them. */
function bundleTarget(s: ProtocolSamples): FuzzTarget {
  const claims = JSON.parse(fromUtf8(fromB64u(s.bundle.claims))) as unknown;
  const quote = JSON.parse(fromUtf8(fromB64u(s.bundle.quote))) as unknown;
  return fuzzTarget<BundleInput>({
    name: 'protocol.attestation-bundle',
    testRuns: 1000,
    inputs: fc.oneof(messageInputs([s.bundle]), fc.record({ claims: jsonEdits(claims) }), fc.record({ quote: jsonEdits(quote) })),
    rejects: () => false,
    async run(input) {
      let bundle: unknown;
      if ('claims' in input) bundle = { ...s.bundle, claims: toB64u(utf8(canonicalJson(applyJsonEdits(claims, input.claims)))) };
      else if ('quote' in input) bundle = { ...s.bundle, quote: toB64u(utf8(JSON.stringify(applyJsonEdits(quote, input.quote)))) };
      else bundle = jsonOrUndefined(messageText([s.bundle], input));
      await checkBundle(bundle, s);
    },
  });
}

const B64_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/= .';

/** The encodings themselves: a string the schema accepts decodes, to exactly one byte string, with one encoding. */
const encoding = fuzzTarget<string>({
  name: 'protocol.encoding',
  testRuns: 3000,
  inputs: fc.oneof(
    anyString(96),
    fc.string({ unit: fc.constantFrom(...B64_CHARS), maxLength: 96 }),
    fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg'), maxLength: 70 }),
    fc.record({ bytes: fc.uint8Array({ maxLength: 70 }), edits: fc.oneof(fc.constant<ByteEdit[]>([]), byteEdits(96, { maxEdits: 1 })) }).map(({ bytes, edits }) => editText(toB64u(bytes), edits)),
    fc.record({ bytes: fc.uint8Array({ maxLength: 40 }), edits: fc.oneof(fc.constant<ByteEdit[]>([]), byteEdits(80, { maxEdits: 1 })) }).map(({ bytes, edits }) => editText(toHex(bytes), edits)),
  ),
  run(s) {
    const accepted = B64uSchema.safeParse(s).success;
    if (accepted !== isB64u(s)) throw new FuzzFailure('B64uSchema and isB64u disagree');
    if (accepted) {
      const bytes = fromB64u(s);
      if (toB64u(bytes) !== s) throw new FuzzFailure('an accepted base64url string is not the encoding of what it decodes to');
      for (const n of [1, 32, 64]) if (b64uBytes(n).safeParse(s).success !== (bytes.length === n)) throw new FuzzFailure(`b64uBytes(${n}) disagrees with the decoded length`);
    } else {
      try {
        fromB64u(s);
        throw new FuzzFailure('fromB64u decoded a string the schema refuses');
      } catch (e) {
        if (!(e instanceof CocoonError) || e.code !== 'protocol.malformed_message') throw e;
      }
    }
    if (/^(?:[0-9a-fA-F]{2})*$/.test(s)) {
      if (toHex(fromHex(s)) !== s.toLowerCase()) throw new FuzzFailure('hex does not round-trip');
    } else {
      try {
        fromHex(s);
        throw new FuzzFailure('fromHex decoded a string that is not hex');
      } catch (e) {
        if (!(e instanceof CocoonError) || e.code !== 'protocol.malformed_message') throw e;
      }
    }
    const big = BigIntString.safeParse(s);
    if (big.success && big.data.toString() !== s) throw new FuzzFailure('BigIntString accepted a non-canonical decimal');
  },
});

/** Every WebSocket protocol (JSON messages and binary chunk frames), the attestation bundle and the encodings. */
export async function protocolTargets(): Promise<FuzzTarget[]> {
  const s = await protocolSamples();
  return [encoding, ...wireProtocols.map((p) => wireTarget(p as WireProtocol<z.ZodType>, s)), chunkFrameTarget(s), bundleTarget(s), schemasTarget(s)];
}
