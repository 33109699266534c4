import { randomBytes } from 'node:crypto';
import { decodeChunkFrame, encodeChunkFrame } from '@cocoon/shared/protocol/chunk-frame';

/**
 * Chunk frames for the load test: every chunk carries the same random "sealed" bytes (no relay
 * opens them), so a stream's frames differ only in their header, and the host side's response
 * digest after n chunks is the same for every stream (see DigestChain).
 */
export class ChunkTemplate {
  readonly data: Uint8Array;
  /** Frames by job id: the header's job id bytes are encoded once per stream. */
  private readonly frames = new Map<string, Uint8Array>();

  constructor(bytes: number) {
    this.data = new Uint8Array(randomBytes(bytes));
  }

  /** A fresh frame (ws may mask it in place) for chunk `seq` of the job. */
  frame(jobId: string, seq: number): Uint8Array {
    let t = this.frames.get(jobId);
    if (!t) {
      t = encodeChunkFrame({ jobId, seq: 0, final: false, pieces: 1, data: this.data });
      this.frames.set(jobId, t);
    }
    const f = t.slice();
    new DataView(f.buffer).setUint32(4, seq);
    return f;
  }

  forget(jobId: string): void {
    this.frames.delete(jobId);
  }

  /** A received frame's header, and whether its sealed bytes are the ones sent (the relay passed them unchanged). */
  read(bytes: Uint8Array): { jobId: string; seq: number; final: boolean; intact: boolean } {
    const f = decodeChunkFrame(bytes);
    const intact = f.final ? f.data.length === this.data.length : Buffer.from(f.data.buffer, f.data.byteOffset, f.data.length).equals(this.data);
    return { jobId: f.jobId, seq: f.seq, final: f.final, intact };
  }
}
