import { describe, expect, it } from 'vitest';
import { benchEnvelope, envelopeBenchLines } from './envelope-bench';

// Speed itself is reported by `npm run bench`; this checks that the benchmark seals and opens with
// both suites (it throws otherwise) and reports the exact sizes of a 1 KiB request.
describe('benchEnvelope', () => {
  it('times sealing and opening with both suites and reports the sealed sizes', async () => {
    const b = await benchEnvelope(3);
    expect(b.plaintextBytes).toBeLessThanOrEqual(1020);
    expect(b.x25519).toMatchObject({ encBytes: 32, ciphertextBytes: 1024 + 16 });
    expect(b.xwing).toMatchObject({ encBytes: 1120, ciphertextBytes: 1024 + 16 });
    for (const s of [b.x25519, b.xwing]) expect(Math.min(s.sealMs, s.openMs)).toBeGreaterThan(0);
    expect(envelopeBenchLines(b).at(-1)).toMatch(/^ {2}ratio \(X-Wing \/ X25519\): seal x\d/);
  });
});
