import { CocoonError } from '../../errors';
import { DerReader, Tag, ctx, type Tlv } from './der';
import { nameToString } from './name';
import { pemBlocks } from './pem';

/**
 * An X.509 certificate, parsed as far as attestation needs (RFC 5280 section 4.1): the signed TBS
 * bytes, the signature, names (raw DER for chaining, text for display), validity, the public key
 * and the extensions.
 */
export interface Certificate {
  der: Uint8Array;
  tbs: Uint8Array;
  serial: string;
  signatureAlgorithm: string;
  /** DER ECDSA-Sig-Value (the BIT STRING content). */
  signature: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  issuerName: string;
  subjectName: string;
  /** Unix ms. */
  notBefore: number;
  notAfter: number;
  /** The whole SubjectPublicKeyInfo: what roots are pinned by. */
  spki: Uint8Array;
  publicKey: { algorithm: string; curve?: string; point: Uint8Array };
  extensions: Extension[];
  basicConstraints?: { ca: boolean; pathLen?: number };
  /** KeyUsage bits, bit 0 = digitalSignature ... bit 5 = keyCertSign, bit 6 = cRLSign. */
  keyUsage?: Set<number>;
}

export interface Extension {
  oid: string;
  critical: boolean;
  /** The extnValue OCTET STRING content. */
  value: Uint8Array;
}

export const ExtensionOids = { basicConstraints: '2.5.29.19', keyUsage: '2.5.29.15' } as const;

export function parseCertificate(der: Uint8Array): Certificate {
  const r = new DerReader('attestation.certificate_invalid');
  const [tbsTlv, algTlv, sigTlv, ...extra] = r.seq(r.one(der), 3);
  if (extra.length) r.fail('certificate has extra elements');
  const tbs = r.seq(tbsTlv!, 6);
  let i = 0;
  if (tbs[0]!.tag === ctx(0)) {
    const version = r.smallInt(r.children(tbs[0]!)[0]);
    if (version !== 2) r.fail('only X.509 v3 certificates are accepted');
    i = 1;
  }
  const serial = r.integerHex(tbs[i]);
  const innerAlg = r.oid(r.seq(tbs[i + 1]!, 1)[0]);
  const signatureAlgorithm = r.oid(r.seq(algTlv!, 1)[0]);
  if (innerAlg !== signatureAlgorithm) r.fail('inner and outer signature algorithms differ');
  const issuer = r.expect(tbs[i + 2], Tag.sequence);
  const [nb, na] = r.seq(tbs[i + 3]!, 2);
  const subject = r.expect(tbs[i + 4], Tag.sequence);
  const spki = r.expect(tbs[i + 5], Tag.sequence);
  const extensions = readExtensions(r, tbs.slice(i + 6));
  const cert: Certificate = {
    der,
    tbs: tbsTlv!.bytes,
    serial,
    signatureAlgorithm,
    signature: r.bitStringBytes(sigTlv),
    issuer: issuer.bytes,
    subject: subject.bytes,
    issuerName: nameToString(r, issuer),
    subjectName: nameToString(r, subject),
    notBefore: r.time(nb),
    notAfter: r.time(na),
    spki: spki.bytes,
    publicKey: readSpki(r, spki),
    extensions,
  };
  readKnownExtensions(r, cert);
  return cert;
}

/** Parses every certificate of a PEM chain, leaf first. */
export const parseCertificateChain = (pem: string): Certificate[] => pemBlocks(pem, 'CERTIFICATE').map(parseCertificate);

/** The public key inside a DER SubjectPublicKeyInfo (as pinned roots are stored). */
export function parseSpki(spki: Uint8Array): Certificate['publicKey'] {
  const r = new DerReader('attestation.certificate_invalid');
  return readSpki(r, r.one(spki, Tag.sequence));
}

function readSpki(r: DerReader, spki: Tlv): Certificate['publicKey'] {
  const [alg, key] = r.seq(spki, 2);
  const [algOid, params] = r.seq(alg!, 1);
  const algorithm = r.oid(algOid);
  const curve = params?.tag === Tag.oid ? r.oid(params) : undefined;
  return { algorithm, curve, point: r.bitStringBytes(key) };
}

function readExtensions(r: DerReader, rest: Tlv[]): Extension[] {
  const explicit = rest.find((t) => t.tag === ctx(3));
  if (rest.some((t) => t.tag !== ctx(3) && t.tag !== 0x81 && t.tag !== 0x82)) r.fail('unexpected TBS element');
  if (!explicit) return [];
  const seen = new Set<string>();
  return r.seq(r.children(explicit)[0]!).map((ext) => {
    const parts = r.seq(ext, 2);
    const oid = r.oid(parts[0]);
    if (seen.has(oid)) r.fail(`duplicate extension ${oid}`);
    seen.add(oid);
    const critical = parts.length === 3 ? r.boolean(parts[1]) : false;
    const value = r.expect(parts[parts.length - 1], Tag.octetString).value;
    return { oid, critical, value };
  });
}

function readKnownExtensions(r: DerReader, cert: Certificate): void {
  for (const ext of cert.extensions) {
    if (ext.oid === ExtensionOids.basicConstraints) {
      const items = r.seq(r.one(ext.value));
      const ca = items[0]?.tag === Tag.boolean ? r.boolean(items[0]) : false;
      const lenTlv = items.find((t) => t.tag === Tag.integer);
      cert.basicConstraints = { ca, pathLen: lenTlv ? r.smallInt(lenTlv) : undefined };
    } else if (ext.oid === ExtensionOids.keyUsage) {
      const v = r.expect(r.one(ext.value), Tag.bitString).value;
      if (v.length < 1 || v[0]! > 7) r.fail('bad KeyUsage');
      const bits = new Set<number>();
      for (let i = 0; i < (v.length - 1) * 8; i++) if (v[1 + (i >> 3)]! & (0x80 >> (i & 7))) bits.add(i);
      cert.keyUsage = bits;
    }
  }
}

/** Parse errors keep their code; this names which certificate failed, for the check's reason. */
export function describeCertError(e: unknown, which: string): CocoonError {
  if (e instanceof CocoonError) return new CocoonError(e.code, `${which}: ${e.message}`, { cause: e });
  return new CocoonError('attestation.certificate_invalid', `${which}: unreadable certificate`, { cause: e });
}
