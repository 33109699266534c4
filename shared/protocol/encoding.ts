import { z } from 'zod';
import { CocoonError } from '../errors';

/** Unpadded base64url, the encoding of every binary field on the wire. */
export function toB64u(bytes: Uint8Array): string {
  let bin = '';
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]!);
  return btoa(bin).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

const B64U_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/**
 * Whether `s` is unpadded base64url exactly as `toB64u` writes it: only the URL-safe alphabet, no
 * length of 1 mod 4 (no byte string has one), and zero unused bits in the last character, so every
 * byte string has one encoding and every accepted string decodes.
 * @example isB64u('AQ') // true; isB64u('AR') and isB64u('AAAAA') are false
 */
export function isB64u(s: string): boolean {
  const rest = s.length % 4;
  if (rest === 1 || !/^[A-Za-z0-9_-]*$/.test(s)) return false;
  if (rest === 0) return true;
  return (B64U_ALPHABET.indexOf(s[s.length - 1]!) & (rest === 2 ? 0x0f : 0x03)) === 0;
}

/** @throws CocoonError('protocol.malformed_message') unless `isB64u(s)`. */
export function fromB64u(s: string): Uint8Array {
  if (!isB64u(s)) throw new CocoonError('protocol.malformed_message', 'invalid base64url');
  const b64 = s.replaceAll('-', '+').replaceAll('_', '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** A base64url field: only strings `fromB64u` decodes (see `isB64u`), so a schema-valid value never fails to decode. */
export const B64uSchema = z.string().refine(isB64u, 'expected base64url');
/** A base64url field that must decode to exactly `n` bytes. */
export const b64uBytes = (n: number) =>
  B64uSchema.refine((s) => Math.floor((s.length * 3) / 4) === n, `expected ${n} bytes`);

export const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
/** @throws CocoonError('protocol.malformed_message') for an odd length or a non-hex character. */
export function fromHex(h: string): Uint8Array {
  if (h.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(h)) throw new CocoonError('protocol.malformed_message', 'invalid hex');
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
export const fromUtf8 = (b: Uint8Array): string => new TextDecoder('utf-8', { fatal: true }).decode(b);

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

/** Copies into a fresh ArrayBuffer-backed array, as WebCrypto's typings want. */
export const buf = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);

/**
 * Deterministic JSON: object keys sorted, no whitespace. Used wherever bytes are hashed or signed
 * (claims, receipts), so every side reproduces the same bytes from the same value.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError('non-finite number');
    if (typeof value === 'bigint') throw new TypeError('bigint must be encoded as a decimal string');
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Money and token amounts travel as decimal strings and are `bigint` in code. */
export const BigIntString = z
  .string()
  .regex(/^(0|[1-9][0-9]{0,38})$/, 'expected a non-negative integer string')
  .transform((s) => BigInt(s));
export const bigintToWire = (n: bigint): string => n.toString();

export async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', buf(data)));
}
export async function sha512(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-512', buf(data)));
}
