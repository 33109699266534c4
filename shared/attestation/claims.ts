import { CocoonError } from '../errors';
import { validTime } from './checks';
import { ClaimsSchema, type Claims } from '../protocol/attestation-bundle';
import { bytesEqual, canonicalJson, fromB64u, fromUtf8, sha512, utf8 } from '../protocol/encoding';

/**
 * Claims are hashed as their canonical JSON bytes: `reportData = SHA-512(claims)` (64 bytes, the
 * size of a TDX quote's REPORTDATA). ARCHITECTURE.md, "The confidential path", steps 1-2.
 */
export const encodeClaims = (claims: Claims): Uint8Array => utf8(canonicalJson(ClaimsSchema.parse(claims)));

export const reportDataOf = (claimsBytes: Uint8Array): Promise<Uint8Array> => sha512(claimsBytes);

/** Decodes the bundle's claims; only the canonical encoding is accepted, so one value has one hash. */
export function decodeClaims(b64u: string): { claims: Claims; bytes: Uint8Array } {
  let bytes: Uint8Array;
  let json: unknown;
  try {
    bytes = fromB64u(b64u);
    json = JSON.parse(fromUtf8(bytes));
  } catch (cause) {
    throw new CocoonError('attestation.bundle_malformed', 'claims are not base64url JSON', { cause });
  }
  const parsed = ClaimsSchema.safeParse(json);
  if (!parsed.success) throw new CocoonError('attestation.bundle_malformed', `claims do not match the schema: ${parsed.error.issues[0]?.path.join('.')}`);
  if (!bytesEqual(encodeClaims(parsed.data), bytes)) throw new CocoonError('attestation.bundle_malformed', 'claims are not canonically encoded');
  return { claims: parsed.data, bytes };
}

/** Allowed clock skew between host and verifier for `createdAt`. */
const SKEW_S = 300;

/** Claims are valid from `createdAt` (with skew) until `expiresAt`; else `attestation.claims_expired`. */
export function checkClaimsValidity(claims: Claims, now: Date): void {
  const t = Math.floor(validTime(now.getTime()) / 1000);
  if (claims.expiresAt <= t) throw new CocoonError('attestation.claims_expired', `claims expired at ${new Date(claims.expiresAt * 1000).toISOString()}`);
  if (claims.createdAt > t + SKEW_S || claims.createdAt >= claims.expiresAt) throw new CocoonError('attestation.claims_expired', 'claims are not yet valid');
}
