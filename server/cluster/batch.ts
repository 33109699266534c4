import type { Bus } from './bus';

/**
 * What one broker sends another in one turn of the event loop, as one bus message: a host's chunk frames and job
 * messages for jobs another broker owns go out together, in order, so the bus carries one message
 * (and the socket to NATS one write) per owner per turn instead of one per chunk.
 *
 * Format: the byte BATCH_MAGIC, then for each message its length (u32, big-endian) and its bytes.
 * A message alone is sent as itself. The first byte tells the three apart: BATCH_MAGIC, a chunk
 * frame's CHUNK_FRAME_MAGIC (0xc1), or `{` for JSON.
 */
export const BATCH_MAGIC = 0xb7;
/** Enough that a turn's worth of chunks to one broker goes in a few messages, well under NATS's 1 MiB default payload limit. */
const MAX_BATCH_BYTES = 256 * 1024;

export class BatchingPublisher {
  private readonly pending = new Map<string, { parts: Uint8Array[]; bytes: number }>();
  private scheduled = false;

  constructor(private readonly bus: Pick<Bus, 'publish'>) {}

  /**
   * Queues `data` for `subject`; sent, in the order queued, after this turn of the event loop
   * (setImmediate: every socket read in it adds to the same message).
   */
  publish(subject: string, data: Uint8Array): void {
    let q = this.pending.get(subject);
    if (q && q.bytes + data.length + 4 > MAX_BATCH_BYTES) {
      this.send(subject, q.parts);
      q = undefined;
    }
    if (!q) {
      q = { parts: [], bytes: 1 };
      this.pending.set(subject, q);
    }
    q.parts.push(data);
    q.bytes += data.length + 4;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** Sends everything queued now. */
  flush(): void {
    this.scheduled = false;
    const pending = [...this.pending];
    this.pending.clear();
    for (const [subject, q] of pending) this.send(subject, q.parts);
  }

  private send(subject: string, parts: Uint8Array[]): void {
    if (parts.length === 0) return;
    this.bus.publish(subject, parts.length === 1 ? parts[0]! : encodeBatch(parts));
  }
}

export function encodeBatch(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(1 + parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  out[0] = BATCH_MAGIC;
  let at = 1;
  for (const p of parts) {
    view.setUint32(at, p.length);
    out.set(p, at + 4);
    at += 4 + p.length;
  }
  return out;
}

/** The messages of a batch (views into `data`, not copies), or undefined when it is not a well-formed one. */
export function decodeBatch(data: Uint8Array): Uint8Array[] | undefined {
  if (data[0] !== BATCH_MAGIC) return undefined;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const parts: Uint8Array[] = [];
  let at = 1;
  while (at < data.length) {
    if (at + 4 > data.length) return undefined;
    const n = view.getUint32(at);
    if (n === 0 || at + 4 + n > data.length) return undefined;
    parts.push(data.subarray(at + 4, at + 4 + n));
    at += 4 + n;
  }
  return parts.length > 0 ? parts : undefined;
}
