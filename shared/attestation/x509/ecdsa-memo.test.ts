import { describe, expect, it } from 'vitest';
import { ecdsaMemoStats, importEcPoint, verifyEcdsa, type CurveName, type HashName } from './ecdsa';
import { hexOf } from './hex';
import { boundedMemo } from './memo';
import { toHex } from '../../protocol/encoding';

async function signer(curve: CurveName, hash: HashName) {
  const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: curve }, true, ['sign', 'verify']);
  const point = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey));
  const sign = async (data: Uint8Array) => new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash }, pair.privateKey, new Uint8Array(data)));
  return { point, sign };
}

const flipped = (b: Uint8Array, at: number, bit = 0) => {
  const c = b.slice();
  c[at]! ^= 1 << bit;
  return c;
};

describe('the ECDSA memo', () => {
  it('answers the same bytes from the memo and misses on a one-bit change of any input', async () => {
    const { point, sign } = await signer('P-256', 'SHA-256');
    const other = await signer('P-256', 'SHA-256');
    const data = crypto.getRandomValues(new Uint8Array(300));
    const signature = await sign(data);
    const key = (await importEcPoint(point, 'P-256'))!;
    const otherKey = (await importEcPoint(other.point, 'P-256'))!;

    const before = ecdsaMemoStats().verifyHits;
    expect(await verifyEcdsa(key, 'SHA-256', signature, data)).toBe(true);
    expect(ecdsaMemoStats().verifyHits).toBe(before);
    expect(await verifyEcdsa(key, 'SHA-256', signature, data.slice())).toBe(true);
    expect(ecdsaMemoStats().verifyHits).toBe(before + 1);

    for (const at of [0, 150, 299]) {
      expect(await verifyEcdsa(key, 'SHA-256', signature, flipped(data, at))).toBe(false);
      expect(ecdsaMemoStats().verifyHits).toBe(before + 1);
    }
    for (const at of [0, 31, 63]) {
      expect(await verifyEcdsa(key, 'SHA-256', flipped(signature, at, 7), data)).toBe(false);
      expect(ecdsaMemoStats().verifyHits).toBe(before + 1);
    }
    expect(await verifyEcdsa(otherKey, 'SHA-256', signature, data)).toBe(false);
    expect(await verifyEcdsa(key, 'SHA-384', signature, data)).toBe(false);
    // The data extended by the signature's first byte: framing keeps it from colliding with a shorter signature.
    expect(await verifyEcdsa(key, 'SHA-256', signature, new Uint8Array([...data, 0]))).toBe(false);
    expect(ecdsaMemoStats().verifyHits).toBe(before + 1);

    // Failed verdicts are remembered too, and still fail.
    expect(await verifyEcdsa(key, 'SHA-256', signature, flipped(data, 150))).toBe(false);
    expect(ecdsaMemoStats().verifyHits).toBe(before + 2);
  });

  it('remembers imported keys by curve and exact point, invalid points included', async () => {
    const { point } = await signer('P-384', 'SHA-384');
    const before = ecdsaMemoStats().importHits;
    const a = await importEcPoint(point, 'P-384');
    const b = await importEcPoint(point.slice(), 'P-384');
    expect(a).not.toBeNull();
    expect(b).toBe(a);
    expect(ecdsaMemoStats().importHits).toBe(before + 1);
    // X || Y without the 0x04 prefix, as quotes carry it, is the same key.
    expect(await importEcPoint(point.subarray(1), 'P-384')).toBe(a);
    // A one-bit change is another point (almost surely off the curve): a miss, then null.
    const off = flipped(point, 40);
    expect(await importEcPoint(off, 'P-384')).toBeNull();
    expect(ecdsaMemoStats().importHits).toBe(before + 2);
    expect(await importEcPoint(off, 'P-384')).toBeNull();
    expect(ecdsaMemoStats().importHits).toBe(before + 3);
    expect(a!.point).toEqual(point);
  });

  it('stays within its bound', async () => {
    const { point, sign } = await signer('P-256', 'SHA-256');
    const key = (await importEcPoint(point, 'P-256'))!;
    const signature = await sign(new Uint8Array([1]));
    const { maxEntries } = ecdsaMemoStats();
    for (let i = 0; i < maxEntries + 10; i++) await verifyEcdsa(key, 'SHA-256', signature, new Uint8Array(new Uint32Array([i]).buffer));
    expect(ecdsaMemoStats().verifySize).toBe(maxEntries);
  });
});

describe('boundedMemo', () => {
  it('evicts the least recently used key first', () => {
    const m = boundedMemo<number>(2);
    m.set('a', 1);
    m.set('b', 2);
    expect(m.get('a')).toBe(1);
    m.set('c', 3);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(1);
    expect(m.get('c')).toBe(3);
    expect(m.size).toBe(2);
    expect(m.hits).toBe(3);
  });
});

describe('hexOf', () => {
  it('writes what toHex writes', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(hexOf(all)).toBe(toHex(all));
    expect(hexOf(new Uint8Array())).toBe('');
  });
});
