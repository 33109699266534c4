import { describe, expect, it } from 'vitest';
import { CreationGate } from './creation-gate';

const later = () => {
  let release: () => void = () => undefined;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
};

describe('CreationGate', () => {
  it("runs one user's creations one at a time, in order, and other users' beside them", async () => {
    const gate = new CreationGate();
    const log: string[] = [];
    const first = later();
    const a1 = gate.run('a', async () => (log.push('a1 start'), await first.promise, log.push('a1 end')));
    const a2 = gate.run('a', async () => void log.push('a2'));
    await gate.run('b', async () => void log.push('b1'));
    expect(log).toEqual(['a1 start', 'b1']);
    first.release();
    await Promise.all([a1, a2]);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    expect(gate.size).toBe(0);
  });

  it('a failed creation lets the next one run', async () => {
    const gate = new CreationGate();
    await expect(gate.run('a', () => Promise.reject(new Error('insufficient credits')))).rejects.toThrow('insufficient credits');
    expect(await gate.run('a', async () => 'next')).toBe('next');
    expect(gate.size).toBe(0);
  });
});
