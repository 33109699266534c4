import { createHash, randomBytes } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import type { Db } from '../db/client';
import { sessions, users } from '../db/schema';

export type UserRow = typeof users.$inferSelect;

/** Only the hash of a token is stored, so the table alone never signs anyone in. */
const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface IssuedSession {
  token: string;
  expiresAt: Date;
}

export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly ttlS: number,
  ) {}

  async issue(userId: string, now = new Date()): Promise<IssuedSession> {
    const token = toB64u(randomBytes(32));
    const expiresAt = new Date(now.getTime() + this.ttlS * 1000);
    await this.db.insert(sessions).values({ tokenHash: hashToken(token), userId, expiresAt });
    return { token, expiresAt };
  }

  /**
   * @throws CocoonError('auth.session_invalid') for an unknown token,
   *   CocoonError('auth.session_expired') for one past its expiry.
   */
  async authenticate(token: string, now = new Date()): Promise<UserRow> {
    const [row] = await this.db
      .select({ user: users, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, hashToken(token)));
    if (!row) throw new CocoonError('auth.session_invalid', 'unknown session');
    if (row.expiresAt.getTime() <= now.getTime()) throw new CocoonError('auth.session_expired', 'session expired');
    return row.user;
  }

  /** Deletes expired sessions; run by the sweeper. */
  async purgeExpired(now = new Date()): Promise<number> {
    const rows = await this.db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ h: sessions.tokenHash });
    return rows.length;
  }
}
