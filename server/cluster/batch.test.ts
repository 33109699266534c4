import { describe, expect, it } from 'vitest';
import { BATCH_MAGIC, BatchingPublisher, decodeBatch, encodeBatch } from './batch';

const bytes = (...xs: number[]) => new Uint8Array(xs);

describe('broker-to-broker batches', () => {
  it('round-trips messages, in order', () => {
    const parts = [bytes(0xc1, 1, 2), bytes(0x7b, 0x7d), bytes(9)];
    const batch = encodeBatch(parts);
    expect(batch[0]).toBe(BATCH_MAGIC);
    expect(decodeBatch(batch)).toEqual(parts);
  });

  it('refuses a truncated or malformed batch, and anything that is not one', () => {
    const batch = encodeBatch([bytes(1, 2, 3), bytes(4)]);
    expect(decodeBatch(batch.subarray(0, batch.length - 1))).toBeUndefined();
    expect(decodeBatch(batch.subarray(0, 3))).toBeUndefined();
    expect(decodeBatch(bytes(BATCH_MAGIC))).toBeUndefined();
    expect(decodeBatch(bytes(BATCH_MAGIC, 0, 0, 0, 0))).toBeUndefined();
    expect(decodeBatch(bytes(0xc1, 0, 0, 0, 1, 7))).toBeUndefined();
  });

  it('sends what was published in one turn of the event loop as one message per subject, a lone message as itself', async () => {
    const sent: [string, Uint8Array][] = [];
    const p = new BatchingPublisher({ publish: (subject, data) => void sent.push([subject, data]) });
    p.publish('a', bytes(1));
    p.publish('b', bytes(2));
    p.publish('a', bytes(3));
    expect(sent).toEqual([]);
    await new Promise((r) => setImmediate(r));
    expect(sent.map(([s]) => s)).toEqual(['a', 'b']);
    expect(decodeBatch(sent[0]![1])).toEqual([bytes(1), bytes(3)]);
    expect(sent[1]![1]).toEqual(bytes(2));
  });

  it('starts a new message before one would pass 256 KiB', () => {
    const sent: Uint8Array[] = [];
    const p = new BatchingPublisher({ publish: (_s, data) => void sent.push(data) });
    const big = new Uint8Array(100 * 1024).fill(1);
    p.publish('a', big);
    p.publish('a', big);
    p.publish('a', big);
    p.flush();
    expect(sent.map((m) => decodeBatch(m)?.length ?? 1)).toEqual([2, 1]);
    expect(sent.every((m) => m.length <= 256 * 1024)).toBe(true);
  });
});
