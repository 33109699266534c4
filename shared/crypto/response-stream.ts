import { CocoonError } from '../errors';
import { ChunkPayloadSchema, type ChunkPayload, type SealedChunk } from '../protocol/jobs';
import { buf, concatBytes, fromB64u, fromUtf8, toB64u, utf8 } from '../protocol/encoding';
import { aesGcmOpen, aesGcmSeal, hkdfExpand, hkdfExtract, nodeCrypto, type NodeCrypto } from './node-crypto';
import { chunkBucket, pad, unpad } from './padding';

/**
 * The sealed response stream, after Oblivious HTTP's chunked responses: key and nonce base come
 * from the HPKE exporter secret and a host-chosen random response nonce; chunk `seq` is XORed
 * into the nonce and the final flag is in the AAD, so reordering, replay, truncation and tampering
 * are each detected. ARCHITECTURE.md, "The confidential path", step 7.
 */
export const RESPONSE_EXPORT_LABEL = 'cocoon response';
export const RESPONSE_SECRET_LENGTH = 32;
const MAX_CHUNKS = 2 ** 32;

interface ChunkKeys {
  /** WebCrypto's key, or the raw key where Node's synchronous AES-GCM seals and opens (node-crypto.ts). */
  key: CryptoKey | { raw: Uint8Array; crypto: NodeCrypto };
  nonceBase: Uint8Array;
}

/** `native: false` keeps WebCrypto on Node too (tests of the two agreeing). */
async function deriveChunkKeys(secret: Uint8Array, enc: Uint8Array, responseNonce: Uint8Array, native = true): Promise<ChunkKeys> {
  const node = native ? nodeCrypto() : undefined;
  if (node) {
    // HKDF-SHA256 as below, on Node's HMAC: no thread-pool round trip per step on the host.
    const prk = hkdfExtract(node, concatBytes(enc, responseNonce), secret);
    return { key: { raw: hkdfExpand(node, prk, utf8('key'), 32), crypto: node }, nonceBase: hkdfExpand(node, prk, utf8('nonce'), 12) };
  }
  const ikm = await crypto.subtle.importKey('raw', buf(secret), 'HKDF', false, ['deriveBits']);
  const salt = buf(concatBytes(enc, responseNonce));
  const derive = async (info: string, bytes: number) =>
    new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: buf(utf8(info)) }, ikm, bytes * 8));
  const rawKey = await derive('key', 32);
  const key = await crypto.subtle.importKey('raw', buf(rawKey), 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { key, nonceBase: await derive('nonce', 12) };
}

async function sealWith(keys: ChunkKeys, iv: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, pt: Uint8Array): Promise<Uint8Array> {
  if ('raw' in keys.key) return aesGcmSeal(keys.key.crypto, keys.key.raw, iv, aad, pt);
  return new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: aad }, keys.key, buf(pt)));
}

async function openWith(keys: ChunkKeys, iv: Uint8Array<ArrayBuffer>, aad: Uint8Array<ArrayBuffer>, ct: Uint8Array): Promise<Uint8Array> {
  if ('raw' in keys.key) return aesGcmOpen(keys.key.crypto, keys.key.raw, iv, aad, ct);
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: aad }, keys.key, buf(ct)));
}

function chunkNonce(base: Uint8Array, seq: number): Uint8Array<ArrayBuffer> {
  const nonce = buf(base);
  const view = new DataView(nonce.buffer);
  view.setUint32(8, view.getUint32(8) ^ seq);
  return nonce;
}

function parseJson(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(fromUtf8(bytes));
  } catch (cause) {
    throw new CocoonError('protocol.malformed_message', 'chunk payload is not JSON', { cause });
  }
}

const chunkAad = (final: boolean): Uint8Array<ArrayBuffer> => buf(concatBytes(utf8('cocoon/v1 chunk'), new Uint8Array([final ? 1 : 0])));

/** Host side: seals payloads in order. */
export class ResponseSealer {
  private seq = 0;
  private done = false;
  private constructor(
    private readonly keys: ChunkKeys,
    /** base64url of the random 32-byte response nonce, sent to the client before the first chunk. */
    readonly responseNonce: string,
  ) {}

  static async create(secret: Uint8Array, enc: Uint8Array, opts: { native?: boolean } = {}): Promise<ResponseSealer> {
    const nonce = crypto.getRandomValues(new Uint8Array(32));
    return new ResponseSealer(await deriveChunkKeys(secret, enc, nonce, opts.native), toB64u(nonce));
  }

  async seal(payload: ChunkPayload, final: boolean): Promise<SealedChunk> {
    if (this.done) throw new CocoonError('envelope.data_after_final', 'stream already finished');
    if (this.seq >= MAX_CHUNKS) throw new CocoonError('envelope.data_after_final', 'chunk limit reached');
    const seq = this.seq++;
    this.done = final;
    const pt = pad(utf8(JSON.stringify(payload)), chunkBucket);
    return { seq, final, data: await sealWith(this.keys, chunkNonce(this.keys.nonceBase, seq), chunkAad(final), pt) };
  }
}

/** Client side: opens chunks, enforcing order, uniqueness and a final chunk. */
export class ResponseOpener {
  private keys: ChunkKeys | undefined;
  private expected = 0;
  private done = false;

  constructor(
    private readonly secret: Uint8Array,
    private readonly enc: Uint8Array,
    private readonly opts: { native?: boolean } = {},
  ) {}

  async start(responseNonce: string): Promise<void> {
    if (this.keys) throw new CocoonError('envelope.chunk_replayed', 'response already started');
    const nonce = fromB64u(responseNonce);
    if (nonce.length !== 32) throw new CocoonError('protocol.malformed_message', 'response nonce must be 32 bytes');
    this.keys = await deriveChunkKeys(this.secret, this.enc, nonce, this.opts.native);
  }

  async open(chunk: SealedChunk): Promise<ChunkPayload> {
    if (!this.keys) throw new CocoonError('envelope.chunk_out_of_order', 'chunk before response start');
    if (this.done) throw new CocoonError('envelope.data_after_final', 'chunk after the final chunk');
    if (chunk.seq < this.expected) throw new CocoonError('envelope.chunk_replayed', `chunk ${chunk.seq} already received`);
    if (chunk.seq > this.expected) throw new CocoonError('envelope.chunk_out_of_order', `expected chunk ${this.expected}, got ${chunk.seq}`);
    let pt: Uint8Array;
    try {
      const iv = chunkNonce(this.keys.nonceBase, chunk.seq);
      pt = await openWith(this.keys, iv, chunkAad(chunk.final), chunk.data);
    } catch (cause) {
      throw new CocoonError('envelope.chunk_tampered', `chunk ${chunk.seq} failed authentication`, { cause });
    }
    this.expected++;
    this.done = chunk.final;
    const payload = ChunkPayloadSchema.safeParse(parseJson(unpad(pt)));
    if (!payload.success) throw new CocoonError('protocol.malformed_message', 'chunk payload does not match the schema');
    // Answer pieces (text, tool calls) are never final; the end or an error always is.
    const answer = payload.data.type === 'delta' || payload.data.type === 'tool_call';
    if (chunk.final === answer) throw new CocoonError('protocol.malformed_message', 'final flag does not match payload type');
    return payload.data;
  }

  /** Call when the transport says the stream is over: throws unless the final chunk was opened. */
  end(): void {
    if (!this.done) throw new CocoonError('envelope.stream_truncated', `stream ended after ${this.expected} chunks without a final chunk`);
  }
}
