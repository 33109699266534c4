import { describe, expect, it } from 'vitest';
import { DerReader } from '../../attestation/x509/der';
import { concatBytes } from '../../protocol/encoding';
import { assertFuzz } from './harness';
import { x509Targets } from './x509-targets';

describe('fuzz: DER, X.509 certificates, PEM, CRLs and chains, fixed seed', () => {
  for (const t of x509Targets) it(`${t.name}: ${t.testRuns} inputs, typed rejections only${t.verifies ? ', no altered input verifies' : ''}`, () => assertFuzz(t), 60_000);
});

describe('fuzz findings: DER', () => {
  it('x509.der: a UTCTime of 100 000 bytes is attestation.certificate_invalid, not a RangeError (the value was spread into fromCharCode)', () => {
    const der = concatBytes(Uint8Array.of(0x17, 0x83, 0x01, 0x86, 0xa0), new Uint8Array(100_000).fill(0x30));
    const r = new DerReader();
    expect(() => r.time(r.one(der))).toThrow(expect.objectContaining({ code: 'attestation.certificate_invalid' }));
  });
});
