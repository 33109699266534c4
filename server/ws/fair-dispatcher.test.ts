import { describe, expect, it } from 'vitest';
import { FairDispatcher } from './fair-dispatcher';

const turn = () => new Promise((r) => setImmediate(r));
const BUDGET = { bytesPerS: 10_000, burstBytes: 2_000 };

describe('FairDispatcher', () => {
  it('runs one task per key per turn, in turn order, whatever one key has queued', async () => {
    const d = new FairDispatcher(BUDGET);
    const ran: string[] = [];
    for (let i = 0; i < 5; i++) d.submit('flooder', () => ran.push(`a${i}`));
    d.submit('b', () => ran.push('b0'));
    d.submit('c', () => ran.push('c0'));
    await turn();
    expect(ran).toEqual(['a0', 'b0', 'c0']);
    await turn();
    expect(ran).toEqual(['a0', 'b0', 'c0', 'a1']);
    while (d.pendingKeys > 0) await turn();
    expect(ran.slice(3)).toEqual(['a1', 'a2', 'a3', 'a4']);
  });

  it('a key submitting from within its task waits for the next turn', async () => {
    const d = new FairDispatcher(BUDGET);
    const ran: string[] = [];
    const again = (n: number) => () => {
      ran.push(`a${n}`);
      if (n < 3) d.submit('a', again(n + 1));
    };
    d.submit('a', again(0));
    d.submit('b', () => ran.push('b0'));
    await turn();
    expect(ran).toEqual(['a0', 'b0']);
    d.submit('b', () => ran.push('b1'));
    await turn();
    expect(ran).toEqual(['a0', 'b0', 'a1', 'b1']);
  });

  it('keeps turning after a task throws', async () => {
    const d = new FairDispatcher(BUDGET);
    const ran: string[] = [];
    d.submit('a', () => {
      throw new Error('bug');
    });
    d.submit('a', () => ran.push('a1'));
    await expect(new Promise((_, reject) => process.once('uncaughtException', reject))).rejects.toThrow('bug');
    while (d.pendingKeys > 0) await turn();
    expect(ran).toEqual(['a1']);
  });

  it('holds a metered key in debt back until its bucket refills, while other keys run every turn', async () => {
    let now = 0;
    const d = new FairDispatcher(BUDGET, () => now);
    const ran: string[] = [];
    // A 5 000-byte message is larger than the 2 000-byte burst: it runs, and its key owes 3 000 bytes.
    d.submit('flooder', () => ran.push('big'), 5_000, true);
    d.submit('flooder', () => ran.push('next'), 100, true);
    await turn();
    expect(ran).toEqual(['big']);
    expect(d.tokens('flooder')).toBe(-3_000);
    for (let i = 0; i < 3; i++) {
      d.submit(`user-${i}`, () => ran.push(`user-${i}`), 100, true);
      d.submit('host', () => ran.push(`host-${i}`), 1_000_000, false);
      await turn();
    }
    expect(ran).toEqual(['big', 'user-0', 'host-0', 'user-1', 'host-1', 'user-2', 'host-2']);
    now += 299; // 10 000 bytes/s pay 2 990 of the debt: still owing
    await turn();
    expect(ran).not.toContain('next');
    now += 2; // paid: the next message runs on the wake-up turn (a timer for when the debt is paid)
    for (let waited = 0; ran.at(-1) !== 'next' && waited < 3_000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(ran.at(-1)).toBe('next');
  });
});
