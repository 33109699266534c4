import { CocoonError } from '../errors';
import { utf8 } from '../protocol/encoding';
import type { ChatRequest } from '../protocol/jobs';

/**
 * Length-hiding padding: `u32 length || data || zeros` up to a bucket size, so ciphertext sizes
 * leak only the bucket (ARCHITECTURE.md, "Metadata the broker sees").
 */
export function pad(data: Uint8Array, bucket: (n: number) => number): Uint8Array {
  const out = new Uint8Array(bucket(data.length + 4));
  new DataView(out.buffer).setUint32(0, data.length);
  out.set(data, 4);
  return out;
}

export function unpad(padded: Uint8Array): Uint8Array {
  if (padded.length < 4) throw new CocoonError('protocol.malformed_message', 'padded message too short');
  const n = new DataView(padded.buffer, padded.byteOffset, padded.byteLength).getUint32(0);
  if (n > padded.length - 4) throw new CocoonError('protocol.malformed_message', 'padded length out of range');
  for (let i = 4 + n; i < padded.length; i++) {
    if (padded[i] !== 0) throw new CocoonError('protocol.malformed_message', 'non-zero padding');
  }
  return padded.subarray(4, 4 + n);
}

/** Requests: powers of two from 1 KiB, so short prompts all look alike. */
export const requestBucket = (n: number): number => Math.max(1024, 2 ** Math.ceil(Math.log2(n)));
/** Response chunks: multiples of 64 bytes; streaming needs small units. */
export const chunkBucket = (n: number): number => Math.ceil(n / 64) * 64;

/** AES-256-GCM's tag: every request suite seals with it. */
const AEAD_TAG_BYTES = 16;

/**
 * The ciphertext length `sealRequest` (envelope.ts) produces for `request`, known before sealing:
 * the padded plaintext plus the AEAD tag. The broker bounds prompt tokens, and so the hold, by this
 * length, so a client fits `maxTokens` to its price cap before the metadata is bound. Here, apart
 * from the HPKE code, so the UI thread can use it.
 * @example sealedRequestBytes({ messages: [{ role: 'user', content: 'Hi' }] }) // 1040
 */
export const sealedRequestBytes = (request: ChatRequest): number => requestBucket(utf8(JSON.stringify(request)).length + 4) + AEAD_TAG_BYTES;
