import { ReceiptSchema, type Receipt, type SignedReceipt } from './protocol/receipt';
import type { SealedChunk, SealedRequest } from './protocol/jobs';
import { canonicalJson, concatBytes, fromB64u, sha256, toB64u, toHex, utf8 } from './protocol/encoding';
import { sign, verify } from './crypto/ed25519';
import { nodeCrypto, sha256Parts } from './crypto/node-crypto';

/**
 * Usage receipts and the digests they commit to (ARCHITECTURE.md, step 8). Every signature has
 * its own context string, so a signature made for one purpose can never be replayed as another.
 */
const RECEIPT_CONTEXT = 'cocoon/v1 receipt ';
const HOST_HELLO_CONTEXT = 'cocoon/v1 host-hello ';

const receiptBytes = (r: Receipt): Uint8Array => utf8(RECEIPT_CONTEXT + canonicalJson(ReceiptSchema.parse(r)));

export async function signReceipt(receipt: Receipt, privateKey: CryptoKey): Promise<SignedReceipt> {
  return { receipt, signature: toB64u(await sign(privateKey, receiptBytes(receipt))) };
}

/** True only if `signingPublicKey` (from verified claims) signed exactly this receipt. */
export async function verifyReceipt(signed: SignedReceipt, signingPublicKey: Uint8Array): Promise<boolean> {
  const parsed = ReceiptSchema.safeParse(signed.receipt);
  if (!parsed.success) return false;
  return verify(signingPublicKey, fromB64u(signed.signature), receiptBytes(parsed.data));
}

/** Hex SHA-256(enc || ciphertext) of a sealed request, as relayed: natively on Node (the broker computes it before a job leaves for its host), else WebCrypto. */
export async function requestDigest(sealed: SealedRequest): Promise<string> {
  const parts = [fromB64u(sealed.enc), fromB64u(sealed.ciphertext)];
  const hashSync = nativeSha256();
  return toHex(hashSync ? hashSync(parts) : await sha256(concatBytes(...parts)));
}

/** SHA-256 of byte strings, in order, computed at once: node:crypto's `createHash` where there is one. */
export type SyncSha256 = (parts: readonly Uint8Array[]) => Uint8Array;

/** node:crypto's SHA-256 as a `SyncSha256`; undefined outside Node (browsers keep WebCrypto). */
export function nativeSha256(): SyncSha256 | undefined {
  const crypto = nodeCrypto();
  return crypto && ((parts) => sha256Parts(crypto, parts));
}

/**
 * A hash chain over the non-final sealed chunks of a response, in order:
 * h0 = 32 zero bytes, h(i+1) = SHA-256(h(i) || u32 seq || chunk bytes). Host, broker and client
 * each compute it over what they sent or saw.
 *
 * On Node (broker, host agent, developer proxy) it hashes with node:crypto at once (`updateSync`):
 * one `await` of WebCrypto per chunk on the hot path costs more than the hash itself. Browsers have
 * only WebCrypto and use `update`. Both give the same chain.
 * @example const d = new ResponseDigest(); // node:crypto's SHA-256 on Node, WebCrypto in a browser
 */
export class ResponseDigest {
  private state: Uint8Array = new Uint8Array(32);

  /** `hashSync`: native SHA-256 by default where there is one (Node); null for WebCrypto only. */
  private readonly hashSync: SyncSha256 | undefined;

  constructor(hashSync: SyncSha256 | null = nativeSha256() ?? null) {
    this.hashSync = hashSync ?? undefined;
  }

  async update(chunk: Pick<SealedChunk, 'seq' | 'data'>): Promise<void> {
    if (this.hashSync) return this.updateSync(chunk);
    this.state = await sha256(concatBytes(this.state, seqBytes(chunk.seq), chunk.data));
  }

  /** `update` with no await. @throws Error when the digest was made without `hashSync`. */
  updateSync(chunk: Pick<SealedChunk, 'seq' | 'data'>): void {
    if (!this.hashSync) throw new Error('ResponseDigest.updateSync needs a synchronous hash');
    this.state = this.hashSync([this.state, seqBytes(chunk.seq), chunk.data]);
  }

  hex(): string {
    return toHex(this.state);
  }
}

function seqBytes(seq: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, seq);
  return b;
}

/** The host proves possession of its claims' signing key by signing the broker's challenge. */
export async function signHostHello(challenge: Uint8Array, privateKey: CryptoKey): Promise<string> {
  return toB64u(await sign(privateKey, concatBytes(utf8(HOST_HELLO_CONTEXT), challenge)));
}

export async function verifyHostHello(challenge: Uint8Array, signature: string, signingPublicKey: Uint8Array): Promise<boolean> {
  return verify(signingPublicKey, fromB64u(signature), concatBytes(utf8(HOST_HELLO_CONTEXT), challenge));
}

/** A receipt's id for usage logs: hex SHA-256 of its signature, which is unique to the receipt. */
export const receiptId = async (signed: SignedReceipt): Promise<string> => toHex(await sha256(fromB64u(signed.signature)));
