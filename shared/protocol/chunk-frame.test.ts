import { describe, expect, it } from 'vitest';
import { isCocoonError } from '../errors';
import { CHUNK_FRAME_HEADER_BYTES, CHUNK_FRAME_MAGIC, chunkFrameJobId, decodeChunkFrame, encodeChunkFrame, MAX_CHUNK_DATA_BYTES } from './chunk-frame';

const jobId = '6f9619ff-8b86-4011-b42d-00c04fc964ff';
const data = new Uint8Array([1, 2, 3, 4, 5]);
const frame = (over: Partial<Parameters<typeof encodeChunkFrame>[0]> = {}) => encodeChunkFrame({ jobId, seq: 7, final: false, pieces: 3, data, ...over });

function malformed(f: () => unknown): void {
  try {
    f();
  } catch (e) {
    expect(isCocoonError(e) ? e.code : e).toBe('protocol.malformed_message');
    return;
  }
  throw new Error('expected protocol.malformed_message');
}

/** A valid frame with one header byte changed. */
const withByte = (at: number, value: number): Uint8Array => {
  const b = frame();
  b[at] = value;
  return b;
};

describe('chunk frame', () => {
  it('round-trips every header field; the data is a view into the frame, not a copy', () => {
    const bytes = frame({ seq: 0xffff_ffff, pieces: 0xffff });
    expect(bytes.length).toBe(CHUNK_FRAME_HEADER_BYTES + data.length);
    const f = decodeChunkFrame(bytes);
    expect(f).toMatchObject({ jobId, seq: 0xffff_ffff, final: false, pieces: 0xffff });
    expect([...f.data]).toEqual([...data]);
    expect(f.bytes).toBe(bytes);
    expect(f.data.buffer).toBe(bytes.buffer);
    expect(decodeChunkFrame(frame({ final: true, pieces: 0, seq: 0 }))).toMatchObject({ final: true, pieces: 0, seq: 0 });
  });

  it('fixes the layout: magic, flags, pieces u16 BE, seq u32 BE, the job id as 16 bytes', () => {
    const b = frame({ seq: 0x01020304, pieces: 0x0506 });
    expect([...b.subarray(0, 8)]).toEqual([CHUNK_FRAME_MAGIC, 0, 5, 6, 1, 2, 3, 4]);
    expect(Buffer.from(b.subarray(8, 24)).toString('hex')).toBe(jobId.replaceAll('-', ''));
    expect(b[1]).toBe(0);
    expect(frame({ final: true, pieces: 0 })[1]).toBe(1);
  });

  it('decodes a frame inside a larger buffer (as ws hands them), at an odd offset', () => {
    const inner = frame();
    const outer = new Uint8Array(inner.length + 3);
    outer.set(inner, 3);
    expect(decodeChunkFrame(outer.subarray(3))).toMatchObject({ jobId, seq: 7, pieces: 3 });
  });

  it('upper-case job ids encode to the same bytes; decoding gives the lower-case form', () => {
    expect(decodeChunkFrame(frame({ jobId: jobId.toUpperCase() })).jobId).toBe(jobId);
  });

  it('refuses every malformed header with protocol.malformed_message', () => {
    malformed(() => decodeChunkFrame(new Uint8Array(0)));
    malformed(() => decodeChunkFrame(frame().subarray(0, CHUNK_FRAME_HEADER_BYTES))); // no data
    malformed(() => decodeChunkFrame(frame().subarray(0, 10))); // header cut short
    malformed(() => decodeChunkFrame(withByte(0, 0xc2))); // another version
    malformed(() => decodeChunkFrame(withByte(0, 0x7b))); // `{`: a JSON text sent as binary
    for (const flags of [2, 4, 0x80, 0xff, 3]) malformed(() => decodeChunkFrame(withByte(1, flags))); // unknown flags
    malformed(() => decodeChunkFrame(withByte(1, 1))); // final with pieces
    const noPieces = frame();
    noPieces[2] = 0;
    noPieces[3] = 0;
    malformed(() => decodeChunkFrame(noPieces)); // an answer chunk with no pieces
    malformed(() => decodeChunkFrame(new Uint8Array(CHUNK_FRAME_HEADER_BYTES + MAX_CHUNK_DATA_BYTES + 1).fill(CHUNK_FRAME_MAGIC, 0, 1)));
  });

  it('accepts data up to the maximum, and refuses to encode what it would not decode', () => {
    expect(decodeChunkFrame(frame({ data: new Uint8Array(MAX_CHUNK_DATA_BYTES) })).data.length).toBe(MAX_CHUNK_DATA_BYTES);
    malformed(() => frame({ data: new Uint8Array(MAX_CHUNK_DATA_BYTES + 1) }));
    malformed(() => frame({ data: new Uint8Array(0) }));
    malformed(() => frame({ seq: -1 }));
    malformed(() => frame({ seq: 2 ** 32 }));
    malformed(() => frame({ seq: 1.5 }));
    malformed(() => frame({ pieces: 0x10000 }));
    malformed(() => frame({ pieces: 0 }));
    malformed(() => frame({ final: true, pieces: 1 }));
    malformed(() => frame({ jobId: 'not-a-uuid' }));
    malformed(() => frame({ jobId: `${jobId}0` }));
  });

  it('chunkFrameJobId routes without a full decode, and says undefined for anything else', () => {
    expect(chunkFrameJobId(frame())).toBe(jobId);
    expect(chunkFrameJobId(withByte(0, 0))).toBeUndefined();
    expect(chunkFrameJobId(frame().subarray(0, CHUNK_FRAME_HEADER_BYTES))).toBeUndefined();
  });
});
