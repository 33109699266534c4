import { CocoonError } from '../errors';

/**
 * The hot path's wire format: one sealed response chunk as one binary WebSocket frame (host →
 * broker → client; over NATS between brokers, the same bytes). No JSON, no base64, no schema per
 * token: a fixed 24-byte header the broker reads, then the AES-GCM ciphertext it never opens and
 * relays unchanged.
 *
 * ```
 * offset size
 *      0    1  magic: 0xC1 (chunk frame, version 1)
 *      1    1  flags: bit 0 = final; the other bits must be 0
 *      2    2  pieces (u16, big-endian): engine deltas coalesced into this chunk (0 when final)
 *      4    4  seq (u32, big-endian): the chunk's position in the response stream
 *      8   16  job id: the job's UUID as its 16 bytes
 *     24    n  the sealed chunk (ciphertext and tag), 1 ≤ n ≤ MAX_CHUNK_DATA_BYTES
 * ```
 * `seq` and `final` are authenticated by the chunk's AEAD (nonce and AAD, shared/crypto/response-stream.ts);
 * `pieces` is not: it only bounds what the broker bills for a cancelled answer (at most one token
 * per piece), a bound the broker computes for itself.
 */
export const CHUNK_FRAME_MAGIC = 0xc1;
export const CHUNK_FRAME_HEADER_BYTES = 24;
export const MAX_CHUNK_DATA_BYTES = 1_048_576;
const FLAG_FINAL = 1;

export interface ChunkFrame {
  jobId: string;
  seq: number;
  final: boolean;
  /** Engine deltas in this chunk (≥ 1 for an answer chunk, 0 for the final one). */
  pieces: number;
  /** The sealed chunk: a view into `bytes`. */
  data: Uint8Array;
  /** The whole frame as received or encoded: what a relay forwards unchanged. */
  bytes: Uint8Array;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function uuidToBytes(id: string, out: Uint8Array, at: number): void {
  if (!UUID.test(id)) throw new CocoonError('protocol.malformed_message', 'job id is not a UUID');
  const hex = id.replaceAll('-', '');
  for (let i = 0; i < 16; i++) out[at + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
}

function bytesToUuid(b: Uint8Array, at: number): string {
  let s = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) s += '-';
    s += HEX[b[at + i]!];
  }
  return s;
}

/** One frame for a sealed chunk. @throws CocoonError('protocol.malformed_message') on values outside the format. */
export function encodeChunkFrame(c: { jobId: string; seq: number; final: boolean; pieces: number; data: Uint8Array }): Uint8Array {
  if (!Number.isInteger(c.seq) || c.seq < 0 || c.seq > 0xffff_ffff) throw new CocoonError('protocol.malformed_message', 'chunk seq is not a u32');
  if (!Number.isInteger(c.pieces) || c.pieces < 0 || c.pieces > 0xffff) throw new CocoonError('protocol.malformed_message', 'chunk pieces is not a u16');
  // What decodeChunkFrame refuses is never written.
  if (c.final ? c.pieces !== 0 : c.pieces === 0) throw new CocoonError('protocol.malformed_message', 'chunk pieces do not match its final flag');
  if (c.data.length < 1 || c.data.length > MAX_CHUNK_DATA_BYTES) throw new CocoonError('protocol.malformed_message', 'sealed chunk size out of range');
  const bytes = new Uint8Array(CHUNK_FRAME_HEADER_BYTES + c.data.length);
  const view = new DataView(bytes.buffer);
  bytes[0] = CHUNK_FRAME_MAGIC;
  bytes[1] = c.final ? FLAG_FINAL : 0;
  view.setUint16(2, c.pieces);
  view.setUint32(4, c.seq);
  uuidToBytes(c.jobId, bytes, 8);
  bytes.set(c.data, CHUNK_FRAME_HEADER_BYTES);
  return bytes;
}

/**
 * Reads a frame's header; the sealed data is a view, not a copy.
 * @throws CocoonError('protocol.malformed_message') for anything but a well-formed chunk frame.
 */
export function decodeChunkFrame(bytes: Uint8Array): ChunkFrame {
  if (bytes.length < CHUNK_FRAME_HEADER_BYTES + 1) throw new CocoonError('protocol.malformed_message', 'chunk frame too short');
  if (bytes.length > CHUNK_FRAME_HEADER_BYTES + MAX_CHUNK_DATA_BYTES) throw new CocoonError('protocol.malformed_message', 'chunk frame too long');
  if (bytes[0] !== CHUNK_FRAME_MAGIC) throw new CocoonError('protocol.malformed_message', 'not a chunk frame');
  const flags = bytes[1]!;
  if ((flags & ~FLAG_FINAL) !== 0) throw new CocoonError('protocol.malformed_message', 'unknown chunk frame flags');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const final = (flags & FLAG_FINAL) !== 0;
  const pieces = view.getUint16(2);
  if (final ? pieces !== 0 : pieces === 0) throw new CocoonError('protocol.malformed_message', 'chunk pieces do not match its final flag');
  return {
    jobId: bytesToUuid(bytes, 8),
    seq: view.getUint32(4),
    final,
    pieces,
    data: bytes.subarray(CHUNK_FRAME_HEADER_BYTES),
    bytes,
  };
}

/** The job id of a frame, or undefined when it is not a chunk frame: for routing without a full decode. */
export function chunkFrameJobId(bytes: Uint8Array): string | undefined {
  return bytes.length > CHUNK_FRAME_HEADER_BYTES && bytes[0] === CHUNK_FRAME_MAGIC ? bytesToUuid(bytes, 8) : undefined;
}
