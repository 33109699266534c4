import { sign, verify } from '../crypto/ed25519';
import { concatBytes, fromB64u, toB64u, utf8 } from './encoding';

/**
 * A machine's persistent node key (issue 11). The host agent creates an Ed25519 key pair once, at
 * enrollment, and keeps it in a 0600 file outside the enclave's per-boot keys; its public key *is*
 * the host id, so nobody can enroll or connect under another machine's id without its key.
 *
 * The id is the public key in lower-case base32 (RFC 4648 alphabet, no padding): 52 characters,
 * matching HostIdSchema (`[a-z0-9][a-z0-9-]{2,62}`) so ids stay URL- and ledger-account-safe.
 */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
export const NODE_ID_LENGTH = 52;
const NODE_HELLO_CONTEXT = 'cocoon/v1 node-hello ';

/** The host id of a node public key (32 bytes). */
export function hostIdFromNodeKey(publicKey: Uint8Array): string {
  if (publicKey.length !== 32) throw new RangeError('an Ed25519 public key has 32 bytes');
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of publicKey) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

/** The node public key a host id names, or null when the id is not a node id (wrong length, alphabet or padding bits). */
export function nodeKeyFromHostId(hostId: string): Uint8Array | null {
  if (hostId.length !== NODE_ID_LENGTH) return null;
  const out = new Uint8Array(32);
  let bits = 0;
  let value = 0;
  let n = 0;
  for (const ch of hostId) {
    const v = ALPHABET.indexOf(ch);
    if (v < 0) return null;
    value = ((value << 5) | v) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out[n++] = (value >>> (bits - 8)) & 0xff;
      bits -= 8;
    }
  }
  // 52 characters carry 260 bits: the last 4 must be zero, so each key has exactly one id.
  if ((value & ((1 << bits) - 1)) !== 0) return null;
  return out;
}

/** True when `hostId` is a node id (the form every enrolled machine has). */
export const isNodeHostId = (hostId: string): boolean => nodeKeyFromHostId(hostId) !== null;

/**
 * The node key's answer to the broker's challenge. It signs the challenge and the host id under
 * its own context string, distinct from the enclave key's host-hello signature, so neither can be
 * replayed as the other.
 */
export async function signNodeHello(challenge: Uint8Array, hostId: string, privateKey: CryptoKey): Promise<string> {
  return toB64u(await sign(privateKey, nodeHelloBytes(challenge, hostId)));
}

/** False (never throws) when the id is not a node id or the signature does not verify with its key. */
export async function verifyNodeHello(challenge: Uint8Array, hostId: string, signature: string): Promise<boolean> {
  const key = nodeKeyFromHostId(hostId);
  if (!key) return false;
  let sig: Uint8Array;
  try {
    sig = fromB64u(signature);
  } catch {
    return false;
  }
  return verify(key, sig, nodeHelloBytes(challenge, hostId));
}

const nodeHelloBytes = (challenge: Uint8Array, hostId: string) => concatBytes(utf8(NODE_HELLO_CONTEXT + hostId + ' '), challenge);
