import { CocoonError } from '../../errors';
import { bytesEqual, concatBytes, sha256, toHex } from '../../protocol/encoding';
import { certificateKey } from '../x509/chain';
import { importEcPoint, verifyEcdsa } from '../x509/ecdsa';
import { ATTESTATION_KEY_ECDSA_P256, type TdxQuote } from './quote';
import { tdAttributeFlags } from './reports';

/** Intel's QE vendor id (sgx_quote_4.h): quotes from any other Quoting Enclave are refused. */
export const INTEL_QE_VENDOR_ID = '939a7233f79c4ca9940a0db3957f0607';

export function checkHeader(q: TdxQuote): string {
  if (q.header.attestationKeyType !== ATTESTATION_KEY_ECDSA_P256) throw new CocoonError('attestation.quote_malformed', `attestation key type ${q.header.attestationKeyType} is not ECDSA P-256`);
  if (toHex(q.header.qeVendorId) !== INTEL_QE_VENDOR_ID) throw new CocoonError('attestation.quote_malformed', 'the quote is not from Intel\'s Quoting Enclave');
  return `v${q.header.version}, ${q.bodyType}, ECDSA P-256, Intel QE`;
}

/** The attestation key signed header || body (raw r||s over SHA-256). */
export async function checkQuoteSignature(q: TdxQuote): Promise<void> {
  const key = await importEcPoint(q.attestationKey, 'P-256');
  if (!key) throw new CocoonError('attestation.signature_invalid', 'the attestation key is not a P-256 point');
  if (!(await verifyEcdsa(key, 'SHA-256', q.signature, q.signedBytes))) throw new CocoonError('attestation.signature_invalid', 'the quote signature does not verify with the attestation key');
}

/** The PCK leaf's key signed the QE report. */
export async function checkQeReportSignature(q: TdxQuote): Promise<void> {
  const key = await certificateKey(q.pckChain[0]!);
  if (!(await verifyEcdsa(key, 'SHA-256', q.qeReportSignature, q.qeReport.bytes))) {
    throw new CocoonError('attestation.qe_report_invalid', 'the QE report signature does not verify with the PCK certificate');
  }
}

/** QE REPORTDATA = SHA-256(attestation key || QE auth data) || 32 zero bytes: the QE vouches for the key. */
export async function checkQeReportData(q: TdxQuote): Promise<void> {
  const expected = concatBytes(await sha256(concatBytes(q.attestationKey, q.qeAuthData)), new Uint8Array(32));
  if (!bytesEqual(q.qeReport.reportData, expected)) throw new CocoonError('attestation.qe_report_invalid', 'the QE report data does not bind the attestation key and QE auth data');
}

/** No TUD bit: DEBUG (bit 0) off, and no other "TD under debug" bit. */
export function checkNotDebug(q: TdxQuote): string {
  const f = tdAttributeFlags(q.body.tdAttributes);
  if (f.debug) throw new CocoonError('attestation.debug_enabled', 'TD attributes: DEBUG is set, the host can read the TD\'s memory');
  if (f.underDebug) throw new CocoonError('attestation.debug_enabled', 'TD attributes: a TUD (TD under debug) bit is set');
  return `DEBUG off, SEPT_VE_DISABLE ${f.septVeDisable ? 'on' : 'off'}`;
}
