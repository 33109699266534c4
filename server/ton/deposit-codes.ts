import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { depositCodes } from '../db/schema';

/** RFC 4648 base32, lower case: no 0/1/8/9, so nothing reads as O, I or B. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const PREFIX = 'cocoon-';
const CODE_PATTERN = /^cocoon-[a-z2-7]{10}$/;

function newCode(): string {
  let code = PREFIX;
  for (let i = 0; i < 10; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  return code;
}

/**
 * The text comment that names `userId`'s account in a TON transfer (`cocoon-` and 10 base32
 * characters, 50 random bits), created on first use. Safe to call concurrently.
 * @example await depositCommentFor(db, user.id) // 'cocoon-k3vq7mz2ab'
 */
export async function depositCommentFor(exec: Executor, userId: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const [existing] = await exec.select({ code: depositCodes.code }).from(depositCodes).where(eq(depositCodes.userId, userId));
    if (existing) return existing.code;
    // Conflicts are another request creating this user's code, or (rarely) a code already taken.
    const [created] = await exec.insert(depositCodes).values({ code: newCode(), userId }).onConflictDoNothing().returning({ code: depositCodes.code });
    if (created) return created.code;
  }
  throw new Error('could not create a deposit code');
}

/** The user a transfer's comment names, or null. Wallets may add spaces or change case; we forgive both. */
export async function userForDepositComment(exec: Executor, comment: string): Promise<string | null> {
  const code = comment.trim().toLowerCase();
  if (!CODE_PATTERN.test(code)) return null;
  const [row] = await exec.select({ userId: depositCodes.userId }).from(depositCodes).where(eq(depositCodes.code, code));
  return row?.userId ?? null;
}
