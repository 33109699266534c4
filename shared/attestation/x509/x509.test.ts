import { describe, expect, it } from 'vitest';
import { CocoonError } from '../../errors';
import { readVector } from '../../testing/vectors';
import { rawToDerSignature } from '../../testing/forge';
import { parseTdxQuote } from '../tdx/quote';
import { INTEL_SGX_ROOT_CA_SPKI } from '../tdx/intel-root';
import { parseCertificate } from './certificate';
import { verifyChain } from './chain';
import { DerReader } from './der';
import { derSignatureToRaw } from './ecdsa';
import { pemBlocks } from './pem';

const root = readVector('intel/intel-sgx-root-ca.der');
const chain = parseTdxQuote(readVector('cocoon-tdx-v4-quote.dat')).pckChain;
const at = Date.parse('2026-11-22T12:00:00Z');

const codeOf = (f: () => unknown) => {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!(e instanceof CocoonError)) throw e;
    return e.code;
  }
};

describe('DER and X.509', () => {
  it('reads the Intel SGX Root CA certificate', () => {
    const c = parseCertificate(root);
    expect([c.subjectName, c.issuerName === c.subjectName, c.basicConstraints, [...c.keyUsage!].sort()]).toEqual([
      'CN=Intel SGX Root CA, O=Intel Corporation, L=Santa Clara, ST=CA, C=US', true, { ca: true, pathLen: 1 }, [5, 6],
    ]);
    expect(new Date(c.notAfter).toISOString()).toBe('2049-12-31T23:59:59.000Z');
  });

  it.each([
    ['indefinite length', [0x30, 0x80, 0x00, 0x00]],
    ['non-minimal length', [0x04, 0x81, 0x01, 0x00]],
    ['length past the end', [0x04, 0x05, 0x00]],
    ['trailing bytes', [0x05, 0x00, 0x00]],
    ['multi-byte tag', [0x1f, 0x01, 0x00]],
    ['empty', []],
  ])('refuses %s with a typed error', (_, bytes) => {
    expect(codeOf(() => new DerReader().one(Uint8Array.from(bytes)))).toBe('attestation.certificate_invalid');
  });

  it('answers corrupted certificates with typed errors only', () => {
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
    for (let i = 0; i < 400; i++) {
      const b = root.slice();
      b[rand(b.length)] = rand(256);
      expect(['ok', 'attestation.certificate_invalid']).toContain(codeOf(() => parseCertificate(b)));
    }
    for (let n = 0; n < root.length; n += 13) expect(codeOf(() => parseCertificate(root.subarray(0, n)))).toBe('attestation.certificate_invalid');
  });

  it('converts DER ECDSA signatures to fixed-size r||s and refuses bad ones', () => {
    const raw = Uint8Array.from({ length: 64 }, (_, i) => (i === 0 || i === 32 ? 0x80 : i));
    expect(derSignatureToRaw(rawToDerSignature(raw), 'P-256')).toEqual(raw);
    expect(derSignatureToRaw(Uint8Array.from([0x30, 0x06, 0x02, 0x01, 0x80, 0x02, 0x01, 0x01]), 'P-256')).toBeNull();
    expect(derSignatureToRaw(rawToDerSignature(new Uint8Array(96).fill(1)), 'P-256')).toBeNull();
  });

  it('refuses PEM with anything outside the blocks', () => {
    const pem = `-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n`;
    expect(pemBlocks(`${pem}\0\0`, 'CERTIFICATE')).toHaveLength(1);
    expect(codeOf(() => pemBlocks(`${pem}junk`, 'CERTIFICATE'))).toBe('attestation.certificate_invalid');
    expect(codeOf(() => pemBlocks(pem.replace('AAAA', 'A*AA'), 'CERTIFICATE'))).toBe('attestation.certificate_invalid');
  });
});

describe('certificate chains', () => {
  it('the PCK chain verifies to the pinned key, also without the root certificate', async () => {
    await expect(verifyChain(chain, INTEL_SGX_ROOT_CA_SPKI, at)).resolves.toMatchObject({ leaf: chain[0] });
    await expect(verifyChain(chain.slice(0, 2), INTEL_SGX_ROOT_CA_SPKI, at)).resolves.toMatchObject({ leaf: chain[0] });
  });

  it('refuses a chain with a missing link (names do not chain)', async () => {
    await expect(verifyChain([chain[0]!, chain[2]!], INTEL_SGX_ROOT_CA_SPKI, at)).rejects.toThrow(/issuer name does not match/);
  });

  it('refuses a CA certificate as the leaf', async () => {
    await expect(verifyChain(chain.slice(1), INTEL_SGX_ROOT_CA_SPKI, at)).rejects.toThrow(/a CA certificate cannot be the leaf/);
  });

  it('refuses a chain under another pinned key', async () => {
    const other = parseCertificate(readVector('intel/intel-sgx-root-ca.der')).spki.slice();
    other[other.length - 1]! ^= 1;
    await expect(verifyChain(chain, other, at)).rejects.toMatchObject({ code: 'attestation.root_not_trusted' });
  });
});
