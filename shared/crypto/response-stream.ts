import { CocoonError } from '../errors';
import { ChunkPayloadSchema, type ChunkPayload, type SealedChunk } from '../protocol/jobs';
import { buf, concatBytes, fromB64u, fromUtf8, toB64u, utf8 } from '../protocol/encoding';
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
  key: CryptoKey;
  nonceBase: Uint8Array;
}

async function deriveChunkKeys(secret: Uint8Array, enc: Uint8Array, responseNonce: Uint8Array): Promise<ChunkKeys> {
  const ikm = await crypto.subtle.importKey('raw', buf(secret), 'HKDF', false, ['deriveBits']);
  const salt = buf(concatBytes(enc, responseNonce));
  const derive = async (info: string, bytes: number) =>
    new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info: buf(utf8(info)) }, ikm, bytes * 8));
  const rawKey = await derive('key', 32);
  const key = await crypto.subtle.importKey('raw', buf(rawKey), 'AES-GCM', false, ['encrypt', 'decrypt']);
  return { key, nonceBase: await derive('nonce', 12) };
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

  static async create(secret: Uint8Array, enc: Uint8Array): Promise<ResponseSealer> {
    const nonce = crypto.getRandomValues(new Uint8Array(32));
    return new ResponseSealer(await deriveChunkKeys(secret, enc, nonce), toB64u(nonce));
  }

  async seal(payload: ChunkPayload, final: boolean): Promise<SealedChunk> {
    if (this.done) throw new CocoonError('envelope.data_after_final', 'stream already finished');
    if (this.seq >= MAX_CHUNKS) throw new CocoonError('envelope.data_after_final', 'chunk limit reached');
    const seq = this.seq++;
    this.done = final;
    const pt = pad(utf8(JSON.stringify(payload)), chunkBucket);
    const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv: chunkNonce(this.keys.nonceBase, seq), additionalData: chunkAad(final) }, this.keys.key, buf(pt));
    return { seq, final, data: new Uint8Array(ct) };
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
  ) {}

  async start(responseNonce: string): Promise<void> {
    if (this.keys) throw new CocoonError('envelope.chunk_replayed', 'response already started');
    const nonce = fromB64u(responseNonce);
    if (nonce.length !== 32) throw new CocoonError('protocol.malformed_message', 'response nonce must be 32 bytes');
    this.keys = await deriveChunkKeys(this.secret, this.enc, nonce);
  }

  async open(chunk: SealedChunk): Promise<ChunkPayload> {
    if (!this.keys) throw new CocoonError('envelope.chunk_out_of_order', 'chunk before response start');
    if (this.done) throw new CocoonError('envelope.data_after_final', 'chunk after the final chunk');
    if (chunk.seq < this.expected) throw new CocoonError('envelope.chunk_replayed', `chunk ${chunk.seq} already received`);
    if (chunk.seq > this.expected) throw new CocoonError('envelope.chunk_out_of_order', `expected chunk ${this.expected}, got ${chunk.seq}`);
    let pt: Uint8Array;
    try {
      const iv = chunkNonce(this.keys.nonceBase, chunk.seq);
      pt = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: chunkAad(chunk.final) }, this.keys.key, buf(chunk.data)));
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
