import { CocoonError } from '../../errors';
import { bytesEqual } from '../../protocol/encoding';
import type { Certificate } from './certificate';
import { certificateKey, verifySignedBy } from './chain';
import { DerReader, Tag, ctx } from './der';
import { nameToString } from './name';

/** A certificate revocation list (RFC 5280 section 5), parsed as far as revocation checks need. */
export interface Crl {
  tbs: Uint8Array;
  signatureAlgorithm: string;
  signature: Uint8Array;
  issuer: Uint8Array;
  issuerName: string;
  /** Unix ms. */
  thisUpdate: number;
  nextUpdate?: number;
  /** Revoked serial numbers, lower-case hex without leading zeros (as `Certificate.serial`). */
  revoked: Set<string>;
}

const CRL_SIGN = 6;

export function parseCrl(der: Uint8Array): Crl {
  const r = new DerReader('attestation.collateral_invalid');
  const [tbsTlv, algTlv, sigTlv, ...extra] = r.seq(r.one(der), 3);
  if (extra.length) r.fail('CRL has extra elements');
  const tbs = r.seq(tbsTlv!, 3);
  let i = tbs[0]!.tag === Tag.integer ? 1 : 0;
  const signatureAlgorithm = r.oid(r.seq(algTlv!, 1)[0]);
  if (r.oid(r.seq(tbs[i]!, 1)[0]) !== signatureAlgorithm) r.fail('inner and outer CRL signature algorithms differ');
  const issuer = r.expect(tbs[i + 1], Tag.sequence);
  const thisUpdate = r.time(tbs[i + 2]);
  i += 3;
  const nextUpdate = tbs[i] && tbs[i]!.tag !== Tag.sequence && tbs[i]!.tag !== ctx(0) ? r.time(tbs[i++]) : undefined;
  const revoked = new Set<string>();
  if (tbs[i]?.tag === Tag.sequence) for (const entry of r.seq(tbs[i++]!)) revoked.add(r.integerHex(r.seq(entry, 2)[0]));
  if (tbs[i] && tbs[i]!.tag !== ctx(0)) r.fail('unexpected CRL element');
  return {
    tbs: tbsTlv!.bytes,
    signatureAlgorithm,
    signature: r.bitStringBytes(sigTlv),
    issuer: issuer.bytes,
    issuerName: nameToString(r, issuer),
    thisUpdate,
    nextUpdate,
    revoked,
  };
}

/** Checks the CRL was issued and signed by `issuer` (a certificate already trusted by the caller). */
export async function verifyCrlIssuedBy(crl: Crl, issuer: Certificate): Promise<void> {
  if (!bytesEqual(crl.issuer, issuer.subject)) throw new CocoonError('attestation.collateral_invalid', `CRL of ${crl.issuerName} is not from ${issuer.subjectName}`);
  if (issuer.keyUsage && !issuer.keyUsage.has(CRL_SIGN)) throw new CocoonError('attestation.collateral_invalid', `${issuer.subjectName}: key usage does not allow CRL signing`);
  if (!(await verifySignedBy(await certificateKey(issuer), crl.signatureAlgorithm, crl.signature, crl.tbs))) {
    throw new CocoonError('attestation.collateral_invalid', `CRL signature by ${issuer.subjectName} does not verify`);
  }
}
