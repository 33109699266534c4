import { CocoonError } from '../errors';

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
