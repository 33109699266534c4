import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CocoonError } from '../../errors';
import { FuzzFailure, fuzzTarget, runFuzz } from './harness';

/** Spins until this process has used `ms` more CPU time (not wall time: the machine may be busy). */
const spinCpu = (ms: number) => {
  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1000;
  };
  const until = cpu() + ms;
  while (cpu() < until);
};

describe('the fuzz harness', () => {
  it('passes typed rejections and fails crashes', async () => {
    const t = fuzzTarget<number>({
      name: 't',
      inputs: fc.nat(),
      run: (n) => {
        if (n === 1) throw new CocoonError('protocol.malformed_message', 'no');
        if (n === 2) throw new TypeError('boom');
      },
    });
    await expect(t.check(0)).resolves.toBeUndefined();
    await expect(t.check(1)).resolves.toBeUndefined();
    await expect(t.check(2)).rejects.toThrow(/crash/);
  });

  it('fails an input that costs more than maxMs of CPU', async () => {
    const t = fuzzTarget<number>({ name: 'slow', inputs: fc.nat(), maxMs: 50, run: () => spinCpu(200) });
    await expect(t.check(0)).rejects.toThrow(FuzzFailure);
    await expect(t.check(0)).rejects.toThrow(/ms of CPU \(limit 50 ms\)/);
  });

  it('does not fail an input that only waited (as when the scheduler starves the process)', async () => {
    const t = fuzzTarget<number>({ name: 'waits', inputs: fc.nat(), maxMs: 200, run: () => new Promise((resolve) => setTimeout(resolve, 400)) });
    await expect(t.check(0)).resolves.toBeUndefined();
  });

  it('counts every failure of a run and reports the first, replayable', async () => {
    const t = fuzzTarget<number>({
      name: 'odd',
      inputs: fc.integer({ min: 0, max: 1000 }),
      run: (n) => {
        if (n % 2 === 1) throw new RangeError('odd');
      },
    });
    const r = await runFuzz(t, { runs: 200, seconds: Number.POSITIVE_INFINITY, seed: 1 });
    expect(r.inputs).toBe(200);
    expect(r.failures).toBeGreaterThan(0);
    expect(r.firstFailure).toMatch(/seed: 1, path: .*\nCounterexample: \[\d*[13579]\][\s\S]*crash/);
    // The loop runs without stack traces; the replay that reports has them back.
    expect(Error.stackTraceLimit).toBeGreaterThan(0);
  });
});
