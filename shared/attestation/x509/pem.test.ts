import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CocoonError } from '../../errors';
import { pemBlocks } from './pem';

/** The pattern pemBlocks was first written with: the scan must find exactly what it matches. */
function byPattern(pem: string, label: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  let rest = '';
  let last = 0;
  for (const m of pem.matchAll(/-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g)) {
    rest += pem.slice(last, m.index);
    last = m.index + m[0].length;
    if (m[1] !== label) throw new CocoonError('attestation.certificate_invalid', `PEM: unexpected ${m[1]} block`);
    const s = m[2]!.replace(/[\r\n\t ]/g, '');
    if (s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) throw new CocoonError('attestation.certificate_invalid', 'PEM: invalid base64');
    out.push(Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
  }
  rest += pem.slice(last);
  if (!/^[\s\0]*$/.test(rest)) throw new CocoonError('attestation.certificate_invalid', 'PEM: text outside the certificate blocks');
  if (out.length === 0) throw new CocoonError('attestation.certificate_invalid', `PEM: no ${label} block`);
  return out;
}

const outcome = (f: () => Uint8Array[]) => {
  try {
    return { blocks: f().map((b) => Array.from(b)) };
  } catch (e) {
    return { error: e instanceof CocoonError ? `${e.code} ${e.message}` : String(e) };
  }
};

const loose = fc.constantFrom('-----BEGIN ', '-----END ', '-----', '-', 'CERTIFICATE', 'CRL', 'X 1', 'x', ' ', '\n', '\0', 'AAAA', 'AA==', '*', 'BEGIN', 'END ');
const label = fc.constantFrom('CERTIFICATE', 'CRL', 'X 1', 'x', '');
/** Whole blocks (their labels possibly different), halves of blocks, and the loose pieces between. */
const token = fc.oneof(
  loose,
  fc.record({ begin: label, end: label, body: fc.array(fc.constantFrom('AAAA', 'AA==', '\n', ' ', '*', '-----', '-----BEGIN CRL-----'), { maxLength: 4 }) }).map(
    ({ begin, end, body }) => `-----BEGIN ${begin}-----${body.join('')}-----END ${end}-----`,
  ),
  label.map((l) => `-----BEGIN ${l}-----`),
  label.map((l) => `-----END ${l}-----`),
);

describe('pemBlocks', () => {
  it('finds exactly the blocks the BEGIN/END pattern matches, and fails the same way', () => {
    const seen = { blocks: 0, unexpected: 0 };
    fc.assert(
      fc.property(fc.array(token, { maxLength: 12 }), fc.constantFrom('CERTIFICATE', 'CRL', 'X 1'), (tokens, wanted) => {
        const pem = tokens.join('');
        const expected = outcome(() => byPattern(pem, wanted));
        expect(outcome(() => pemBlocks(pem, wanted))).toEqual(expected);
        if (expected.blocks) seen.blocks++;
        if (expected.error?.includes('unexpected')) seen.unexpected++;
      }),
      { seed: 20_251_010, numRuns: 20_000 },
    );
    // The token soup does reach both outcomes that need a whole block.
    expect(seen.blocks).toBeGreaterThan(0);
    expect(seen.unexpected).toBeGreaterThan(0);
  });

  it('stays linear on thousands of unterminated BEGIN lines', () => {
    const pem = '-----BEGIN CERTIFICATE-----\n'.repeat(20_000) + '-----END CRL-----';
    const started = performance.now();
    expect(outcome(() => pemBlocks(pem, 'CERTIFICATE')).error).toMatch(/text outside/);
    // 20 000 x 560 KB of rescanning would take seconds; the scan reads the text a few times.
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
