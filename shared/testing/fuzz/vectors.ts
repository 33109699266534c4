import { z } from 'zod';
import { concatBytes, fromHex } from '../../protocol/encoding';
import { parseSpdmReport } from '../../attestation/nvidia/spdm';
import { parseTdxQuote } from '../../attestation/tdx/quote';
import { pemBlocks } from '../../attestation/x509/pem';
import { readVector, readVectorText } from '../vectors';

/**
 * Test-only: the real vectors the fuzz targets mutate, with the offsets of their length fields
 * (where `field` edits land), read once.
 */
export const quoteVectors = {
  cocoonV4: readVector('cocoon-tdx-v4-quote.dat'),
  phalaV4: readVector('phala-tdx-v4-quote.bin'),
};
export const collateralText = readVectorText('phala-tdx-v4-collateral.json');
/** The same collateral as its JSON fields, every one a string (CollateralJson's shape before hex decoding). */
export const collateralFields = z
  .object({
    pck_crl_issuer_chain: z.string(),
    root_ca_crl: z.string(),
    pck_crl: z.string(),
    tcb_info_issuer_chain: z.string(),
    tcb_info: z.string(),
    tcb_info_signature: z.string(),
    qe_identity_issuer_chain: z.string(),
    qe_identity: z.string(),
    qe_identity_signature: z.string(),
  })
  .parse(JSON.parse(collateralText));
export const nvidiaReport = fromHex(readVectorText('nvidia/nvtrust-hopperAttestationReport.hex').trim());
export const nvidiaChainPem = readVectorText('nvidia/nvtrust-hopperCertChain.pem');
export const intelRootDer = readVector('intel/intel-sgx-root-ca.der');

/** When each vector's certificates and collateral are valid. */
export const VectorTimes = {
  cocoon: new Date('2026-11-22T12:00:00Z'),
  phala: new Date('2025-06-20T12:00:00Z'),
  nvidia: new Date('2026-11-22T12:00:00Z'),
} as const;

const offsetIn = (whole: Uint8Array, part: Uint8Array) => part.byteOffset - whole.byteOffset;

/** Length and type fields of a v4 quote: signature data size, certification data type and size, QE auth data size, PCK chain type and size. */
export function quoteHints(quote: Uint8Array): number[] {
  const q = parseTdxQuote(quote);
  const sig = offsetIn(quote, q.signature);
  const auth = offsetIn(quote, q.qeAuthData);
  const pck = auth + q.qeAuthData.length;
  return [0, 2, 4, sig - 4, sig + 128, sig + 130, auth - 2, pck, pck + 2, q.signedBytes.length];
}

/**
 * The same quote as v5 (body type 2, TD 1.0) or v5 TD 1.5 (body type 3, two extra fields zero):
 * no such real vector exists, so the v5 layout is fuzzed from the v4 one (its signature no longer verifies).
 */
export function asV5(quote: Uint8Array, td15: boolean): Uint8Array {
  const q = parseTdxQuote(quote);
  const header = q.signedBytes.slice(0, 48);
  header[0] = 5;
  const body = concatBytes(q.signedBytes.subarray(48), new Uint8Array(td15 ? 64 : 0));
  const typeAndSize = Uint8Array.of(td15 ? 3 : 2, 0, body.length & 0xff, body.length >> 8, 0, 0);
  return concatBytes(header, typeAndSize, body, quote.subarray(q.signedBytes.length));
}

/** Length fields of an NVIDIA report: measurement record length, each block's sizes, opaque data size, each opaque field's type and size. */
export function spdmHints(report: Uint8Array): number[] {
  const s = parseSpdmReport(report);
  const hints = [0, 1, 2, 36, 37, 38, 41, 42];
  for (const b of s.response.blocks) {
    const v = offsetIn(report, b.value);
    hints.push(v - 2, v - 3, v - 5, v - 7);
  }
  for (const v of s.response.opaque.values()) hints.push(offsetIn(report, v) - 2, offsetIn(report, v) - 4);
  const opaqueStart = Math.min(...[...s.response.opaque.values()].map((v) => offsetIn(report, v) - 4));
  hints.push(opaqueStart - 2);
  return hints;
}

/** The DER of every certificate the vectors carry: Intel root, both PCK chains, NVIDIA's device chain, the collateral signing chains. */
export function certificateDers(): Record<string, Uint8Array> {
  const c = collateralFields;
  const named: Record<string, Uint8Array> = { intelRoot: intelRootDer };
  pemBlocks(parseTdxQuote(quoteVectors.cocoonV4).pckChainPem, 'CERTIFICATE').forEach((d, i) => (named[`cocoonPck${i}`] = d));
  pemBlocks(parseTdxQuote(quoteVectors.phalaV4).pckChainPem, 'CERTIFICATE').slice(0, 2).forEach((d, i) => (named[`phalaPck${i}`] = d));
  pemBlocks(nvidiaChainPem, 'CERTIFICATE').forEach((d, i) => (named[`nvidia${i}`] = d));
  pemBlocks(c.tcb_info_issuer_chain, 'CERTIFICATE').slice(0, 1).forEach((d, i) => (named[`tcbSigning${i}`] = d));
  return named;
}

export function crlDers(): { rootCaCrl: Uint8Array; pckCrl: Uint8Array } {
  const c = collateralFields;
  return { rootCaCrl: fromHex(c.root_ca_crl), pckCrl: fromHex(c.pck_crl) };
}
