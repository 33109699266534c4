import { z } from 'zod';
import { parseCollateral, type CollateralJson } from '@cocoon/shared/attestation/tdx/collateral';
import { parseTdxQuote, type TdxQuote } from '@cocoon/shared/attestation/tdx/quote';
import { pemBlocks } from '@cocoon/shared/attestation/x509/pem';
import { CocoonError } from '@cocoon/shared/errors';
import { fromUtf8, toHex } from '@cocoon/shared/protocol/encoding';
import { pcsGetter, type PcsResponse } from './pcs-http';
import { rawJsonMembers } from './raw-json';

/** Intel's Provisioning Certification Service. Production points COCOON_PCCS_URL at a caching service (PCCS). */
export const INTEL_PCS_URL = 'https://api.trustedservices.intel.com';
/**
 * Intel's PCS serves no root CA CRL; it is published where the CRL distribution point of Intel's
 * CA certificates says. A PCCS serves it at `/sgx/certification/v4/rootcacrl` (as hex).
 */
const INTEL_ROOT_CA_CRL_URL = 'https://certificates.trustedservices.intel.com/IntelSGXRootCA.der';

export interface PcsOptions {
  /** The service root of Intel's PCS or of a PCCS, e.g. `https://pccs.internal:8081`. */
  baseUrl: string;
  fetch?: typeof globalThis.fetch;
  /** Per request; 10 s unless told. */
  timeoutMs?: number;
}

const SignedBodySchema = z.object({ signature: z.string() });

/**
 * Fetches the Intel collateral of a TDX quote through PCS API v4 (TCB info for the quote's FMSPC,
 * the TD QE identity, the PCK CRL of the quote's PCK CA, the root CA CRL), in the shape
 * `parseCollateral` accepts. Only the format is checked here: whether Intel signed it, whether it
 * is for this platform and fresh is the verifier's call (ARCHITECTURE.md, step 3).
 * Errors: `attestation.collateral_unavailable` (network, timeout, HTTP status) and
 * `attestation.collateral_invalid` (an answer not in PCS's format).
 * @example const collateral = await fetchCollateral(quote, { baseUrl: INTEL_PCS_URL })
 */
export async function fetchCollateral(quote: Uint8Array, opts: PcsOptions): Promise<CollateralJson> {
  const q = parseTdxQuote(quote);
  const base = opts.baseUrl.replace(/\/+$/, '').replace(/\/(?:sgx|tdx)\/certification\/v4$/, '');
  const get = pcsGetter({ fetch: opts.fetch ?? globalThis.fetch, timeoutMs: opts.timeoutMs ?? 10_000 });
  const [tcb, qe, pckCrl, rootCaCrl] = await Promise.all([
    get(`${base}/tdx/certification/v4/tcb?fmspc=${q.pck.fmspc.toUpperCase()}`, 'TCB info'),
    get(`${base}/tdx/certification/v4/qe/identity`, 'QE identity'),
    get(`${base}/sgx/certification/v4/pckcrl?ca=${pckCaType(q)}&encoding=der`, 'PCK CRL'),
    get(new URL(base).hostname === new URL(INTEL_PCS_URL).hostname ? INTEL_ROOT_CA_CRL_URL : `${base}/sgx/certification/v4/rootcacrl`, 'root CA CRL'),
  ]);
  const tcbInfo = signedMember(tcb, 'tcbInfo');
  const qeIdentity = signedMember(qe, 'enclaveIdentity');
  const collateral: CollateralJson = {
    pck_crl_issuer_chain: issuerChain(pckCrl, 'SGX-PCK-CRL-Issuer-Chain'),
    root_ca_crl: crlHex(rootCaCrl),
    pck_crl: crlHex(pckCrl),
    // PCS v4 names it TCB-Info-Issuer-Chain; v3 and some caches still send the SGX- name.
    tcb_info_issuer_chain: issuerChain(tcb, 'TCB-Info-Issuer-Chain', 'SGX-TCB-Info-Issuer-Chain'),
    tcb_info: tcbInfo.text,
    tcb_info_signature: tcbInfo.signature,
    qe_identity_issuer_chain: issuerChain(qe, 'SGX-Enclave-Identity-Issuer-Chain'),
    qe_identity: qeIdentity.text,
    qe_identity_signature: qeIdentity.signature,
  };
  try {
    parseCollateral(collateral);
  } catch (cause) {
    throw invalid(`PCS collateral: ${cause instanceof CocoonError ? cause.message : 'unreadable'}`, cause);
  }
  return collateral;
}

/** Which PCK CA issued the quote's PCK certificate: its CRL is the one that can revoke it. */
function pckCaType(q: TdxQuote): 'platform' | 'processor' {
  const m = /^CN=Intel SGX PCK (Platform|Processor) CA(?:,|$)/.exec(q.pckChain[0]!.issuerName);
  if (!m) throw new CocoonError('attestation.certificate_invalid', `the PCK certificate is issued by ${q.pckChain[0]!.issuerName}, not an Intel PCK CA`);
  return m[1] === 'Platform' ? 'platform' : 'processor';
}

/** `{ "<member>": {…}, "signature": "<hex>" }`: the member's exact text and the signature over it. */
function signedMember(r: PcsResponse, member: string): { text: string; signature: string } {
  const text = textOf(r);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (cause) {
    throw invalid(`${r.what}: the body is not JSON`, cause);
  }
  const signed = SignedBodySchema.safeParse(body);
  const raw = rawJsonMembers(text).get(member);
  if (!signed.success || raw === undefined) throw invalid(`${r.what}: the body is not { ${member}, signature }`);
  return { text: raw, signature: signed.data.signature };
}

/** Issuer chains come URL-encoded (PEM) in a response header. */
function issuerChain(r: PcsResponse, ...names: string[]): string {
  const value = names.map((n) => r.headers.get(n)).find((v) => v !== null);
  if (value === undefined || value === null) throw invalid(`${r.what}: no ${names[0]} header`);
  try {
    return decodeURIComponent(value);
  } catch (cause) {
    throw invalid(`${r.what}: ${names[0]} is not URL-encoded`, cause);
  }
}

/** A CRL as DER (PCS with `encoding=der`), hex text (PCCS's root CA CRL) or PEM; out as hex. */
function crlHex(r: PcsResponse): string {
  if (r.body[0] === 0x30) return toHex(r.body);
  const text = textOf(r).trim();
  if (/^(?:[0-9a-fA-F]{2})+$/.test(text)) return text.toLowerCase();
  if (text.startsWith('-----BEGIN X509 CRL-----')) return toHex(pemBlocks(text, 'X509 CRL', 'attestation.collateral_invalid')[0]!);
  throw invalid(`${r.what}: the body is neither a DER, hex nor PEM CRL`);
}

function textOf(r: PcsResponse): string {
  try {
    return fromUtf8(r.body);
  } catch (cause) {
    throw invalid(`${r.what}: the body is not text`, cause);
  }
}

const invalid = (message: string, cause?: unknown) => new CocoonError('attestation.collateral_invalid', message, { cause });
