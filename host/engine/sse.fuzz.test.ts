import { describe, expect, it } from 'vitest';
import { assertFuzz } from '@cocoon/shared/testing/fuzz/harness';
import { engineTargets } from '../tests/fuzz/engine-targets';
import { createSseParser } from './sse';

describe('fuzz: engine SSE and the engine client over mutated recordings, fixed seed', () => {
  for (const t of engineTargets) it(`${t.name}: ${t.testRuns} inputs, engine.* errors only, cut-independent, linear time`, () => assertFuzz(t), 60_000);
});

describe('fuzz findings: engine SSE', () => {
  it('engine.sse: a 100 000-character line fed one character at a time parses in linear time (it rescanned the whole line on every read)', () => {
    const parser = createSseParser();
    const started = performance.now();
    parser.push('data: ');
    for (let i = 0; i < 100_000; i++) parser.push('x');
    const events = parser.push('\n\n');
    expect(events.map((e) => e.data.length)).toEqual([100_000]);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
