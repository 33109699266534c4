import { SimulatedQuoteSchema, type SimulatedQuote } from '../protocol/attestation-bundle';
import { concatBytes, fromHex, sha256, toB64u, toHex, utf8 } from '../protocol/encoding';
import { sign, signingKeyPairFromSeed } from '../crypto/ed25519';

/**
 * The simulated TEE (ARCHITECTURE.md, step 5): the same bundle shape as TDX, the "quote" signed by
 * a well-known dev key whose seed is public. It proves nothing about confidentiality; verifiers
 * accept it only when their policy says `allowSimulated`, and the UI says so permanently.
 */
export const SIMULATED_QUOTE_KIND = 'cocoon-simulated-quote-v1';
const DEV_SEED_LABEL = 'cocoon simulated TEE dev key - NOT CONFIDENTIAL';
/** The dev key's public half, pinned: a quote signed by any other key is rejected. */
export const SIMULATED_SIGNER_PUBLIC_KEY = 'f9tU8EO_WCBwwuvCAJ-Ip9ZhmxbfVOcKYi1k6ompeW8';
/** Fixed stand-in measurements: 48 bytes each, as MRTD and RTMR0 are. */
export const SIMULATED_MEASUREMENTS = {
  mrTd: '51' + '00'.repeat(46) + '01',
  rtmr0: '51' + '00'.repeat(46) + '02',
} as const;

export const simulatedSignerKeyPair = async () => signingKeyPairFromSeed(await sha256(utf8(DEV_SEED_LABEL)));

/** The bytes the dev key signs: kind || MRTD || RTMR0 || reportData. */
export const simulatedSignedBytes = (q: Pick<SimulatedQuote, 'measurements' | 'reportData'>): Uint8Array =>
  concatBytes(utf8(SIMULATED_QUOTE_KIND), fromHex(q.measurements.mrTd), fromHex(q.measurements.rtmr0), fromHex(q.reportData));

/** A TEE provider: turns 64 bytes of reportData into evidence (a quote). */
export interface TeeProvider {
  readonly kind: 'simulated' | 'tdx';
  quote(reportData: Uint8Array): Promise<Uint8Array>;
}

export function createSimulatedProvider(): TeeProvider {
  return {
    kind: 'simulated',
    async quote(reportData) {
      const signer = await simulatedSignerKeyPair();
      const unsigned = { measurements: { ...SIMULATED_MEASUREMENTS }, reportData: toHex(reportData) };
      const quote: SimulatedQuote = {
        kind: SIMULATED_QUOTE_KIND,
        ...unsigned,
        signerPublicKey: toB64u(signer.publicKey),
        signature: toB64u(await sign(signer.privateKey, simulatedSignedBytes(unsigned))),
      };
      return utf8(JSON.stringify(SimulatedQuoteSchema.parse(quote)));
    },
  };
}
