import fc from 'fast-check';
import { CocoonError } from '../../errors';
import { bytesEqual } from '../../protocol/encoding';
import { INTEL_SGX_ROOT_CA_SPKI } from '../../attestation/tdx/intel-root';
import { parseTdxQuote } from '../../attestation/tdx/quote';
import { readPckExtension, SGX_EXTENSION_OID } from '../../attestation/tdx/pck-extension';
import { NVIDIA_DEVICE_IDENTITY_CA_SPKI } from '../../attestation/nvidia/nvidia-root';
import { parseCertificate, parseCertificateChain, parseSpki, type Certificate } from '../../attestation/x509/certificate';
import { verifyChain } from '../../attestation/x509/chain';
import { parseCrl, verifyCrlIssuedBy } from '../../attestation/x509/crl';
import { DerReader, Tag, type Tlv } from '../../attestation/x509/der';
import { derSignatureToRaw } from '../../attestation/x509/ecdsa';
import { pemBlocks } from '../../attestation/x509/pem';
import { countNodes, derEdits, derTree, encodeDerWith, type DerEdit } from './der-tree';
import { accepted, FuzzFailure, fuzzTarget, type FuzzTarget } from './harness';
import { anyBytes, anyString, applyByteEdits, byteEdits, editText, type ByteEdit } from './mutate';
import { certificateDers, collateralFields, crlDers, nvidiaChainPem, quoteVectors, VectorTimes } from './vectors';

/** Test-only: fuzz targets for DER, X.509 certificates, PEM, CRLs and chain verification. */

type DerInput = Uint8Array | { vector: string; bytes: ByteEdit[] } | { vector: string; tree: DerEdit[] };

/** Inputs over named DER vectors: arbitrary bytes, byte-level edits, and structure-aware edits. */
function derInputs(vectors: Record<string, Uint8Array>): { inputs: fc.Arbitrary<DerInput>; bytesOf(input: DerInput): Uint8Array } {
  const trees = Object.fromEntries(Object.entries(vectors).map(([name, der]) => [name, derTree(der)]));
  const names = Object.keys(vectors);
  const inputs = fc.oneof(
    { weight: 1, arbitrary: anyBytes(1024) },
    ...names.map((vector) => ({ weight: 2, arbitrary: fc.record({ vector: fc.constant(vector), bytes: byteEdits(vectors[vector]!.length) }) })),
    ...names.map((vector) => ({ weight: 3, arbitrary: fc.record({ vector: fc.constant(vector), tree: derEdits(countNodes(trees[vector]!)) }) })),
  );
  const bytesOf = (input: DerInput) =>
    input instanceof Uint8Array ? input : 'bytes' in input ? applyByteEdits(vectors[input.vector]!, input.bytes) : encodeDerWith(trees[input.vector]!, input.tree);
  return { inputs, bytesOf };
}

const certs = certificateDers();
const crls = crlDers();
const everyDer = { ...certs, ...crls };

const typedOrThrow = (read: () => unknown) => {
  try {
    read();
  } catch (e) {
    if (!(e instanceof CocoonError)) throw e;
  }
};

/**
 * Every TLV, with every typed reader tried on the first primitives (an explicit stack: nesting is
 * unbounded; the cap keeps 30 000 empty TLVs from costing 240 000 thrown errors). The typed parsers
 * themselves read every element of real structures in x509.certificate and x509.crl.
 */
function walkDer(bytes: Uint8Array): void {
  const r = new DerReader();
  const stack: Tlv[] = [r.one(bytes)];
  let primitives = 0;
  while (stack.length > 0) {
    const t = stack.pop()!;
    if (t.tag & 0x20) {
      for (const c of r.children(t)) stack.push(c);
      continue;
    }
    if (++primitives > 64) continue;
    const as = (tag: number): Tlv => ({ ...t, tag });
    typedOrThrow(() => r.oid(as(Tag.oid)));
    typedOrThrow(() => r.integerHex(as(Tag.integer)));
    typedOrThrow(() => r.smallInt(as(Tag.integer)));
    typedOrThrow(() => r.boolean(as(Tag.boolean)));
    typedOrThrow(() => r.bitStringBytes(as(Tag.bitString)));
    typedOrThrow(() => r.time(as(Tag.utcTime)));
    typedOrThrow(() => r.time(as(Tag.generalizedTime)));
    typedOrThrow(() => r.text(t));
  }
}

const der = derInputs(everyDer);
const derWalk = fuzzTarget<DerInput>({
  name: 'x509.der',
  testRuns: 1500,
  inputs: der.inputs,
  run: (input) => walkDer(der.bytesOf(input)),
});

const certInputs = derInputs(certs);
const certificate = fuzzTarget<DerInput>({
  name: 'x509.certificate',
  testRuns: 1500,
  inputs: certInputs.inputs,
  run(input) {
    const c = parseCertificate(certInputs.bytesOf(input));
    parseSpki(c.spki);
    derSignatureToRaw(c.signature, 'P-256');
    derSignatureToRaw(c.signature, 'P-384');
    if (c.extensions.some((e) => e.oid === SGX_EXTENSION_OID)) readPckExtension(c);
  },
});

const pemTexts = {
  cocoonPck: parseTdxQuote(quoteVectors.cocoonV4).pckChainPem,
  nvidia: nvidiaChainPem,
  tcbSigning: collateralFields.tcb_info_issuer_chain,
};
type PemName = keyof typeof pemTexts;

const pem = fuzzTarget<string | { vector: PemName; edits: ByteEdit[] } | { blocks: number; body: string }>({
  name: 'x509.pem',
  testRuns: 1000,
  inputs: fc.oneof(
    { weight: 1, arbitrary: anyString(512) },
    ...(Object.keys(pemTexts) as PemName[]).map((vector) => ({ weight: 3, arbitrary: fc.record({ vector: fc.constant(vector), edits: byteEdits(pemTexts[vector].length) }) })),
    // Many unterminated blocks: the block pattern must not backtrack quadratically.
    { weight: 1, arbitrary: fc.record({ blocks: fc.oneof(fc.integer({ min: 1, max: 50 }), fc.integer({ min: 1, max: 2000 })), body: fc.constantFrom('', 'AAAA\n', '-----END X-----') }) },
  ),
  run(input) {
    const text =
      typeof input === 'string' ? input : 'vector' in input ? editText(pemTexts[input.vector], input.edits) : '-----BEGIN CERTIFICATE-----\n'.repeat(input.blocks) + input.body;
    parseCertificateChain(text);
  },
});

const crlInputs = derInputs(crls);
const crl = fuzzTarget<DerInput>({
  name: 'x509.crl',
  testRuns: 1500,
  inputs: crlInputs.inputs,
  run: (input) => parseCrl(crlInputs.bytesOf(input)),
});

/** Chains that verify at their vector's time, and the CRLs with the certificate that issued each. */
const chains = {
  cocoonPck: { ders: pemBlocks(pemTexts.cocoonPck, 'CERTIFICATE'), root: INTEL_SGX_ROOT_CA_SPKI, at: VectorTimes.cocoon.getTime() },
  nvidia: { ders: pemBlocks(nvidiaChainPem, 'CERTIFICATE'), root: NVIDIA_DEVICE_IDENTITY_CA_SPKI, at: VectorTimes.nvidia.getTime() },
};
type ChainName = keyof typeof chains;
const phalaChain = parseTdxQuote(quoteVectors.phalaV4).pckChain;
const crlIssuers: Record<keyof typeof crls, Certificate> = {
  rootCaCrl: parseCertificate(certs.intelRoot!),
  pckCrl: phalaChain.find((c) => bytesEqual(c.subject, parseCrl(crls.pckCrl).issuer))!,
};
const tbsRange = (d: Uint8Array): [number, number] => {
  const tbs = new DerReader().seq(new DerReader().one(d))[0]!;
  return [tbs.bytes.byteOffset - d.byteOffset, tbs.bytes.byteOffset - d.byteOffset + tbs.bytes.length];
};

type SignedDerInput = { chain: ChainName; cert: number; edits: ByteEdit[] } | { crl: keyof typeof crls; edits: ByteEdit[] };

const signedDer = fuzzTarget<SignedDerInput>({
  name: 'x509.chain.verify',
  verifies: true,
  testRuns: 150,
  inputs: fc.oneof(
    ...(Object.keys(chains) as ChainName[]).flatMap((chain) =>
      chains[chain].ders.map((d, cert) => fc.record({ chain: fc.constant(chain), cert: fc.constant(cert), edits: byteEdits(0, { region: tbsRange(d) }) })),
    ),
    ...(Object.keys(crls) as (keyof typeof crls)[]).map((name) => fc.record({ crl: fc.constant(name), edits: byteEdits(0, { region: tbsRange(crls[name]) }) })),
  ),
  async run(input) {
    if ('crl' in input) {
      const bytes = applyByteEdits(crls[input.crl], input.edits);
      if (bytesEqual(bytes, crls[input.crl])) return;
      let parsed;
      try {
        parsed = parseCrl(bytes);
      } catch (e) {
        if (e instanceof CocoonError) return;
        throw e;
      }
      if (await accepted(verifyCrlIssuedBy(parsed, crlIssuers[input.crl]))) throw new FuzzFailure(`a CRL changed inside its TBS verified (${input.crl})`);
      return;
    }
    const c = chains[input.chain];
    const ders = c.ders.map((d, i) => (i === input.cert ? applyByteEdits(d, input.edits) : d));
    if (bytesEqual(ders[input.cert]!, c.ders[input.cert]!)) return;
    let parsedChain;
    try {
      parsedChain = ders.map(parseCertificate);
    } catch (e) {
      if (e instanceof CocoonError) return;
      throw e;
    }
    if (await accepted(verifyChain(parsedChain, c.root, c.at))) throw new FuzzFailure(`a certificate changed inside its TBS verified (${input.chain}[${input.cert}])`);
  },
});

export const x509Targets: FuzzTarget[] = [derWalk, certificate, pem, crl, signedDer];
