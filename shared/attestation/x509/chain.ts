import { CocoonError } from '../../errors';
import { bytesEqual } from '../../protocol/encoding';
import { validTime } from '../checks';
import { ExtensionOids, parseSpki, type Certificate } from './certificate';
import { curveByOid, derSignatureToRaw, importEcPoint, SignatureAlgorithms, verifyEcdsa, type EcPublicKey } from './ecdsa';

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
const KEY_CERT_SIGN = 5;
const DIGITAL_SIGNATURE = 0;
const HANDLED_CRITICAL = new Set<string>([ExtensionOids.basicConstraints, ExtensionOids.keyUsage]);
const MAX_CHAIN = 8;

/** A certificate's EC public key, or a typed error naming the certificate. */
export async function certificateKey(cert: Certificate): Promise<EcPublicKey> {
  const key = await publicKeyOf(cert.publicKey);
  if (!key) throw new CocoonError('attestation.certificate_invalid', `${cert.subjectName}: unsupported or invalid public key`);
  return key;
}

/** Whether `signer` signed `tbs` with `signatureAlgorithm` (an ECDSA OID) and DER `signature`. */
export async function verifySignedBy(signer: EcPublicKey, signatureAlgorithm: string, signature: Uint8Array, tbs: Uint8Array): Promise<boolean> {
  const hash = SignatureAlgorithms[signatureAlgorithm];
  const raw = hash ? derSignatureToRaw(signature, signer.curve) : null;
  return raw !== null && hash !== undefined && verifyEcdsa(signer, hash, raw, tbs);
}

export interface VerifiedChain {
  leaf: Certificate;
  /** The earliest notAfter in the chain (Unix ms): the chain's own expiry. */
  notAfter: number;
}

/**
 * Verifies a leaf-first certificate chain up to a root pinned by its SubjectPublicKeyInfo
 * (RFC 5280 section 6, reduced to what attestation chains use): validity at `at`, names chain by
 * their DER bytes, each signature by its issuer's key, CA basic constraints and path length, key
 * usage, no unknown critical extension. The chain may end with the root itself or just below it.
 * @example await verifyChain(parseCertificateChain(pem), INTEL_SGX_ROOT_SPKI, Date.now())
 */
export async function verifyChain(certs: Certificate[], pinnedSpki: Uint8Array, at: number): Promise<VerifiedChain> {
  validTime(at);
  if (certs.length === 0 || certs.length > MAX_CHAIN) throw new CocoonError('attestation.certificate_invalid', `a chain of ${certs.length} certificates`);
  for (const c of certs) checkCertificateAlone(c, at);
  const leaf = certs[0]!;
  if (leaf.basicConstraints?.ca) throw new CocoonError('attestation.certificate_invalid', `${leaf.subjectName}: a CA certificate cannot be the leaf`);
  if (leaf.keyUsage && !leaf.keyUsage.has(DIGITAL_SIGNATURE)) throw new CocoonError('attestation.certificate_invalid', `${leaf.subjectName}: key usage does not allow signing`);
  for (let i = 0; i + 1 < certs.length; i++) await checkIssued(certs[i]!, certs[i + 1]!, i);
  await checkAnchored(certs[certs.length - 1]!, pinnedSpki);
  return { leaf, notAfter: Math.min(...certs.map((c) => c.notAfter)) };
}

function checkCertificateAlone(c: Certificate, at: number): void {
  if (at < c.notBefore) throw new CocoonError('attestation.certificate_expired', `${c.subjectName}: not valid before ${new Date(c.notBefore).toISOString()}`);
  if (at > c.notAfter) throw new CocoonError('attestation.certificate_expired', `${c.subjectName}: expired at ${new Date(c.notAfter).toISOString()}`);
  const unknown = c.extensions.find((e) => e.critical && !HANDLED_CRITICAL.has(e.oid));
  if (unknown) throw new CocoonError('attestation.certificate_invalid', `${c.subjectName}: unknown critical extension ${unknown.oid}`);
}

/** `issuer` issued `child`; `below` = how many CA certificates sit between issuer and the leaf. */
async function checkIssued(child: Certificate, issuer: Certificate, below: number): Promise<void> {
  if (!bytesEqual(child.issuer, issuer.subject)) throw new CocoonError('attestation.certificate_invalid', `${child.subjectName}: issuer name does not match the next certificate`);
  if (!issuer.basicConstraints?.ca) throw new CocoonError('attestation.certificate_invalid', `${issuer.subjectName}: not a CA certificate`);
  const pathLen = issuer.basicConstraints.pathLen;
  if (pathLen !== undefined && below > pathLen) throw new CocoonError('attestation.certificate_invalid', `${issuer.subjectName}: path length constraint exceeded`);
  if (issuer.keyUsage && !issuer.keyUsage.has(KEY_CERT_SIGN)) throw new CocoonError('attestation.certificate_invalid', `${issuer.subjectName}: key usage does not allow certificate signing`);
  if (!(await verifySignedBy(await certificateKey(issuer), child.signatureAlgorithm, child.signature, child.tbs))) {
    throw new CocoonError('attestation.certificate_invalid', `${child.subjectName}: signature by ${issuer.subjectName} does not verify`);
  }
}

/** The top certificate is the pinned root, or is signed by the pinned root's key. */
async function checkAnchored(top: Certificate, pinnedSpki: Uint8Array): Promise<void> {
  if (bytesEqual(top.spki, pinnedSpki)) {
    if (await verifySignedBy(await certificateKey(top), top.signatureAlgorithm, top.signature, top.tbs)) return;
    throw new CocoonError('attestation.certificate_invalid', `${top.subjectName}: root self-signature does not verify`);
  }
  const pinned = await pinnedKey(pinnedSpki);
  if (pinned && (await verifySignedBy(pinned, top.signatureAlgorithm, top.signature, top.tbs))) return;
  throw new CocoonError('attestation.root_not_trusted', `${top.subjectName}: the chain does not lead to the pinned root key`);
}

const pinnedKey = (spki: Uint8Array) => publicKeyOf(parseSpki(spki));

async function publicKeyOf(pub: Certificate['publicKey']): Promise<EcPublicKey | null> {
  const curve = pub.algorithm === EC_PUBLIC_KEY && pub.curve ? curveByOid(pub.curve) : undefined;
  return curve ? importEcPoint(pub.point, curve) : null;
}
