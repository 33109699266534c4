import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import { ENROLL_TOKEN_TTL_S } from '@cocoon/shared/protocol/owner';
import type { Executor } from '../db/client';
import { enrollmentTokens } from '../db/schema';

/**
 * One-time enrollment tokens (issue 11): `cet_` and 32 random bytes, made by an owner in the app,
 * valid ENROLL_TOKEN_TTL_S, used once by the machine they bind to that owner. Only the SHA-256 is
 * stored (the token is 256 random bits, so a plain hash is as good as a slow one).
 */
export const ENROLL_TOKEN_PREFIX = 'cet_';

export const hashEnrollToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface MintedToken {
  id: string;
  token: string;
  expiresAt: Date;
}

/**
 * Makes a token for `ownerId`. The owner's payout wallet is the route's check, not this one's: the
 * development stack's demo owner enrolls its machine without one.
 */
export async function mintEnrollmentToken(db: Executor, ownerId: string, now = new Date()): Promise<MintedToken> {
  const token = ENROLL_TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const expiresAt = new Date(now.getTime() + ENROLL_TOKEN_TTL_S * 1000);
  const [row] = await db.insert(enrollmentTokens).values({ tokenHash: hashEnrollToken(token), ownerId, expiresAt, createdAt: now }).returning({ id: enrollmentTokens.id });
  if (!row) throw new CocoonError('internal', 'enrollment token not stored');
  return { id: row.id, token, expiresAt };
}

export type TokenRow = typeof enrollmentTokens.$inferSelect;

/** The token's row, unlocked: for the check before attestation (hosts-repo.ts checkMayConnect). */
export async function findToken(exec: Executor, token: string): Promise<TokenRow | undefined> {
  const [row] = await exec.select().from(enrollmentTokens).where(eq(enrollmentTokens.tokenHash, hashEnrollToken(token)));
  return row;
}

/** The stored token a presented one names, locked for the transaction (two machines racing for one token serialize). */
export async function findTokenForUpdate(tx: Executor, token: string): Promise<TokenRow | undefined> {
  const [row] = await tx.select().from(enrollmentTokens).where(eq(enrollmentTokens.tokenHash, hashEnrollToken(token))).for('update');
  return row;
}

/**
 * Why a token cannot enroll a machine now, or null when it can. The message never contains the
 * token: it says which rule it failed.
 */
export function tokenProblem(row: TokenRow | undefined, now: Date): CocoonError | null {
  if (!row) return new CocoonError('host.enroll_token_invalid', 'the enrollment token is unknown: make a new one in the app (Add machine)');
  if (row.usedAt) return new CocoonError('host.enroll_token_invalid', 'the enrollment token was already used: each token enrolls one machine once; make a new one in the app');
  if (row.expiresAt.getTime() <= now.getTime()) return new CocoonError('host.enroll_token_invalid', 'the enrollment token expired: make a new one in the app');
  return null;
}

/**
 * Marks the token used by `hostId`, only if it is still unused and unexpired (the row is locked, so
 * this holds; the condition keeps it true without the lock too).
 * @throws CocoonError('host.enroll_token_invalid') when another transaction used it first.
 */
export async function consumeToken(tx: Executor, row: TokenRow, hostId: string, now: Date): Promise<void> {
  const used = await tx
    .update(enrollmentTokens)
    .set({ usedAt: now, hostId })
    .where(and(eq(enrollmentTokens.id, row.id), isNull(enrollmentTokens.usedAt), gt(enrollmentTokens.expiresAt, now)))
    .returning({ id: enrollmentTokens.id });
  if (used.length === 0) throw new CocoonError('host.enroll_token_invalid', 'the enrollment token was already used: each token enrolls one machine once; make a new one in the app');
}
