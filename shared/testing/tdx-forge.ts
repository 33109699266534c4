import { concatBytes, sha256, utf8 } from '../protocol/encoding';
import { parseTdxQuote } from '../attestation/tdx/quote';
import { pemBlocks } from '../attestation/x509/pem';
import { forgeKey, lookAlikeChain, signRaw } from './forge';

/** The pieces of a v4 TDX quote, serialized in Intel's layout by `serializeQuote`. */
export interface QuoteParts {
  header: Uint8Array;
  body: Uint8Array;
  signature: Uint8Array;
  attestationKey: Uint8Array;
  qeReport: Uint8Array;
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  pem: string;
  padding?: number;
}

const le = (n: number, bytes: 2 | 4) => Uint8Array.from({ length: bytes }, (_, i) => (n >>> (8 * i)) & 0xff);

export function serializeQuote(p: QuoteParts): Uint8Array {
  const pem = utf8(p.pem);
  const inner = concatBytes(le(5, 2), le(pem.length, 4), pem);
  const qe = concatBytes(p.qeReport, p.qeReportSignature, le(p.qeAuthData.length, 2), p.qeAuthData, inner);
  const sig = concatBytes(p.signature, p.attestationKey, le(6, 2), le(qe.length, 4), qe);
  return concatBytes(p.header, p.body, le(sig.length, 4), sig, new Uint8Array(p.padding ?? 0));
}

/** The parts of a real v4 quote, copied so tests can edit them. */
export function quoteParts(quote: Uint8Array): QuoteParts {
  const q = parseTdxQuote(quote);
  return {
    header: q.signedBytes.slice(0, 48),
    body: q.signedBytes.slice(48),
    signature: q.signature.slice(),
    attestationKey: q.attestationKey.slice(),
    qeReport: q.qeReport.bytes.slice(),
    qeReportSignature: q.qeReportSignature.slice(),
    qeAuthData: q.qeAuthData.slice(),
    pem: q.pckChainPem,
  };
}

/** Offsets in a TD 1.0 report body (sgx_report2_body_t). */
export const BodyOffsets = { tdAttributes: 120, xfam: 128, mrTd: 136, rtmr0: 328, reportData: 520 } as const;

/**
 * A complete, internally consistent quote under a self-made root whose certificates carry Intel's
 * exact names, serials and extensions: fresh PCK keys, a fresh attestation key, the QE report
 * re-bound and re-signed. Everything verifies except the chain's anchor. `editBody` may change the
 * TD report body before it is signed (DEBUG bit, REPORTDATA, measurements).
 */
export async function forgeTdxQuote(real: Uint8Array, editBody?: (body: Uint8Array) => void): Promise<Uint8Array> {
  const p = quoteParts(real);
  const chain = await lookAlikeChain(pemBlocks(p.pem, 'CERTIFICATE'), 'P-256');
  const ak = await forgeKey('P-256');
  editBody?.(p.body);
  p.attestationKey = ak.point.slice(1);
  p.signature = await signRaw(ak, concatBytes(p.header, p.body));
  p.qeReport.set(concatBytes(await sha256(concatBytes(p.attestationKey, p.qeAuthData)), new Uint8Array(32)), 320);
  p.qeReportSignature = await signRaw(chain.keys[0]!, p.qeReport);
  p.pem = chain.pem;
  return serializeQuote(p);
}
