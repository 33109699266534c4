import { CocoonError } from '../../errors';
import { fromUtf8 } from '../../protocol/encoding';
import { parseCertificateChain, type Certificate } from '../x509/certificate';
import { ByteReader } from '../byte-reader';
import { readPckExtension, type PckExtension } from './pck-extension';
import { readEnclaveReport, readTdReportBody, TD10_BODY_SIZE, TD15_BODY_SIZE, type EnclaveReport, type TdReportBody } from './reports';

/**
 * An Intel TDX quote, v4 or v5 (Intel sgx_quote_4.h / sgx_quote_5.h), with ECDSA-256 signature data
 * whose certification data is type 6 (QE report) wrapping type 5 (PCK chain, PEM).
 */
export interface TdxQuote {
  header: QuoteHeader;
  bodyType: 'TD1.0' | 'TD1.5';
  body: TdReportBody;
  /** What the attestation key signs: header || body (v5: header || body type || body size || body). */
  signedBytes: Uint8Array;
  /** Raw r||s, P-256. */
  signature: Uint8Array;
  /** Raw X||Y of the P-256 attestation key. */
  attestationKey: Uint8Array;
  qeReport: EnclaveReport;
  qeReportSignature: Uint8Array;
  qeAuthData: Uint8Array;
  /** The type 5 certification data as sent (PEM, possibly NUL-terminated). */
  pckChainPem: string;
  pckChain: Certificate[];
  pck: PckExtension;
}

export interface QuoteHeader {
  version: number;
  attestationKeyType: number;
  teeType: number;
  qeSvn: number;
  pceSvn: number;
  qeVendorId: Uint8Array;
  userData: Uint8Array;
}

export const TEE_TYPE_TDX = 0x81;
export const ATTESTATION_KEY_ECDSA_P256 = 2;
const CERT_DATA_QE_REPORT = 6;
const CERT_DATA_PCK_CHAIN_PEM = 5;
const BODY_TYPES: Record<number, { type: TdxQuote['bodyType']; size: number }> = { 2: { type: 'TD1.0', size: TD10_BODY_SIZE }, 3: { type: 'TD1.5', size: TD15_BODY_SIZE } };

/**
 * Parses a TDX quote. Zero padding after the signature data is accepted (configfs-tsm pads);
 * any non-zero trailing byte, any size that disagrees with its content, or any read past the end
 * is rejected with `attestation.quote_malformed` (or `certificate_invalid` for the embedded chain).
 * @example const q = parseTdxQuote(bytes); toHex(q.body.mrTd)
 */
export function parseTdxQuote(bytes: Uint8Array): TdxQuote {
  const r = new ByteReader(bytes);
  const header = readHeader(r);
  let bodyType: TdxQuote['bodyType'] = 'TD1.0';
  let body: TdReportBody;
  if (header.version === 4) body = readTdReportBody(r, false);
  else {
    const kind = BODY_TYPES[r.u16('body type')];
    if (!kind) return r.fail('v5 body is not a TD report (type 2 or 3)');
    const b = r.sized(4, 'body');
    if (b.bytes.length !== kind.size) r.fail(`${kind.type} body of ${b.bytes.length} bytes, expected ${kind.size}`);
    bodyType = kind.type;
    body = readTdReportBody(b, kind.type === 'TD1.5');
  }
  const signedBytes = bytes.subarray(0, r.offset);
  const sig = r.sized(4, 'signature data');
  const signature = sig.take(64, 'quote signature');
  const attestationKey = sig.take(64, 'attestation key');
  if (sig.u16('certification data type') !== CERT_DATA_QE_REPORT) sig.fail('certification data is not type 6 (QE report)');
  const cert = sig.sized(4, 'certification data');
  sig.end();
  const qeReport = readEnclaveReport(cert);
  const qeReportSignature = cert.take(64, 'QE report signature');
  const qeAuthData = cert.sized(2, 'QE auth data').rest();
  if (cert.u16('PCK certification data type') !== CERT_DATA_PCK_CHAIN_PEM) cert.fail('nested certification data is not type 5 (PCK chain)');
  const pem = cert.sized(4, 'PCK chain');
  cert.end();
  checkPadding(r);
  const pckChainPem = pemText(pem);
  const pckChain = parseCertificateChain(pckChainPem);
  if (pckChain.length < 2) throw new CocoonError('attestation.certificate_invalid', 'quote: the PCK chain needs the leaf and its issuers');
  const pck = readPckExtension(pckChain[0]!);
  return { header, bodyType, body, signedBytes, signature, attestationKey, qeReport, qeReportSignature, qeAuthData, pckChainPem, pckChain, pck };
}

function readHeader(r: ByteReader): QuoteHeader {
  const header: QuoteHeader = {
    version: r.u16('version'),
    attestationKeyType: r.u16('attestation key type'),
    teeType: r.u32('TEE type'),
    qeSvn: r.u16('QE SVN'),
    pceSvn: r.u16('PCE SVN'),
    qeVendorId: r.take(16, 'QE vendor id'),
    userData: r.take(20, 'user data'),
  };
  if (header.version !== 4 && header.version !== 5) r.fail(`unsupported quote version ${header.version}`);
  if (header.teeType !== TEE_TYPE_TDX) r.fail(`TEE type 0x${header.teeType.toString(16)} is not TDX`);
  return header;
}

function checkPadding(r: ByteReader): void {
  const rest = r.rest();
  const at = rest.findIndex((b) => b !== 0);
  if (at >= 0) r.fail(`non-zero byte ${at} bytes after the signature data`);
}

function pemText(pem: ByteReader): string {
  try {
    return fromUtf8(pem.rest());
  } catch (cause) {
    throw new CocoonError('attestation.quote_malformed', 'quote: the PCK chain is not text', { cause });
  }
}
