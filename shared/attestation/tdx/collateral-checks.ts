import { CocoonError } from '../../errors';
import { bytesEqual, utf8 } from '../../protocol/encoding';
import { validTime } from '../checks';
import type { Certificate } from '../x509/certificate';
import { certificateKey, verifyChain } from '../x509/chain';
import { verifyCrlIssuedBy } from '../x509/crl';
import { verifyEcdsa } from '../x509/ecdsa';
import type { ParsedCollateral } from './collateral';
import { INTEL_SGX_ROOT_CA_SPKI } from './intel-root';
import type { PckExtension } from './pck-extension';
import type { EnclaveReport } from './reports';
import { qeIdentityStatus, type MatchedLevel } from './tcb-levels';

const DAY_MS = 86_400_000;
const SKEW_MS = 5 * 60_000;

/** TCB info: signed by Intel's TCB signing key (chained to the pinned root) and for this platform. */
export async function verifyTcbInfo(c: ParsedCollateral, pck: PckExtension, at: number): Promise<number> {
  const notAfter = await verifySignedJson(c.tcbInfoChain, c.tcbInfoText, c.tcbInfoSignature, at, 'TCB info');
  if (c.tcbInfo.fmspc !== pck.fmspc) throw new CocoonError('attestation.collateral_invalid', `TCB info is for FMSPC ${c.tcbInfo.fmspc}, the PCK certificate says ${pck.fmspc}`);
  if (c.tcbInfo.pceId !== pck.pceId) throw new CocoonError('attestation.collateral_invalid', `TCB info is for PCE ${c.tcbInfo.pceId}, the PCK certificate says ${pck.pceId}`);
  return notAfter;
}

/** QE identity: signed like TCB info; the quote's QE must be Intel's TD QE. */
export async function verifyQeIdentity(c: ParsedCollateral, qe: EnclaveReport, at: number): Promise<MatchedLevel> {
  await verifySignedJson(c.qeIdentityChain, c.qeIdentityText, c.qeIdentitySignature, at, 'QE identity');
  return qeIdentityStatus(c.qeIdentity, qe);
}

async function verifySignedJson(chain: Certificate[], text: string, signature: Uint8Array, at: number, what: string): Promise<number> {
  let verified;
  try {
    verified = await verifyChain(chain, INTEL_SGX_ROOT_CA_SPKI, at);
  } catch (e) {
    if (!(e instanceof CocoonError)) throw e;
    throw new CocoonError(e.code, `${what} signing chain: ${e.message}`, { cause: e });
  }
  if (!(await verifyEcdsa(await certificateKey(verified.leaf), 'SHA-256', signature, utf8(text)))) {
    throw new CocoonError('attestation.collateral_invalid', `${what} signature does not verify`);
  }
  return verified.notAfter;
}

/**
 * CRLs: the root CA CRL signed by the pinned root, the PCK CRL by the PCK leaf's issuer; no
 * certificate of the PCK chain or of the collateral signing chains is listed as revoked.
 */
export async function checkRevocation(c: ParsedCollateral, pckChain: Certificate[]): Promise<string> {
  const root = [...pckChain, ...c.tcbInfoChain].find((cert) => bytesEqual(cert.spki, INTEL_SGX_ROOT_CA_SPKI));
  if (!root) throw new CocoonError('attestation.collateral_invalid', 'no Intel root certificate to check the root CA CRL with');
  await verifyCrlIssuedBy(c.rootCaCrl, root);
  const [leaf, pckCa] = pckChain;
  if (!leaf || !pckCa) throw new CocoonError('attestation.certificate_invalid', 'the PCK chain is incomplete');
  await verifyCrlIssuedBy(c.pckCrl, pckCa);
  const listed = (cert: Certificate) => (bytesEqual(cert.issuer, root.subject) ? c.rootCaCrl : bytesEqual(cert.issuer, pckCa.subject) ? c.pckCrl : undefined)?.revoked.has(cert.serial);
  const revoked = [...pckChain, ...c.tcbInfoChain, ...c.qeIdentityChain].find((cert) => listed(cert));
  if (revoked) throw new CocoonError('attestation.certificate_revoked', `${revoked.subjectName} (serial ${revoked.serial}) is revoked`);
  return `${c.pckCrl.revoked.size + c.rootCaCrl.revoked.size} revoked serials checked`;
}

/**
 * Freshness at `at`: nothing issued in the future, nothing past its next update, and TCB info and
 * QE identity no older than the policy's maximum age. Returns when the collateral goes stale.
 */
export function checkFreshness(c: ParsedCollateral, maxAgeDays: number, at: number): number {
  validTime(at);
  const items = [
    { what: 'TCB info', issued: c.tcbInfo.issueDate, next: c.tcbInfo.nextUpdate, aged: true },
    { what: 'QE identity', issued: c.qeIdentity.issueDate, next: c.qeIdentity.nextUpdate, aged: true },
    { what: 'PCK CRL', issued: c.pckCrl.thisUpdate, next: c.pckCrl.nextUpdate, aged: false },
    { what: 'root CA CRL', issued: c.rootCaCrl.thisUpdate, next: c.rootCaCrl.nextUpdate, aged: false },
  ];
  let staleAt = Infinity;
  for (const i of items) {
    const iso = (ms: number) => new Date(ms).toISOString();
    if (i.issued > at + SKEW_MS) throw new CocoonError('attestation.collateral_stale', `${i.what} is issued in the future (${iso(i.issued)})`);
    if (i.next !== undefined && at > i.next) throw new CocoonError('attestation.collateral_stale', `${i.what} expired at ${iso(i.next)}`);
    const ageLimit = i.aged ? i.issued + maxAgeDays * DAY_MS : Infinity;
    if (at > ageLimit) throw new CocoonError('attestation.collateral_stale', `${i.what} issued ${iso(i.issued)} is older than ${maxAgeDays} days`);
    staleAt = Math.min(staleAt, i.next ?? Infinity, ageLimit);
  }
  return staleAt;
}
