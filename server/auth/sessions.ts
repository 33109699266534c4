import { createHash, randomBytes } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import { isApiKeyToken } from '@cocoon/shared/protocol/developer';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import type { Db } from '../db/client';
import { sessions, users } from '../db/schema';
import { checkHourlyQuota, type QuotaTable } from '../limits/hourly-quota';

export type UserRow = typeof users.$inferSelect;

/** Only the hash of a token is stored, so the table alone never signs anyone in. */
const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface IssuedSession {
  token: string;
  expiresAt: Date;
}

const quota: QuotaTable = { table: sessions, userId: sessions.userId, createdAt: sessions.createdAt, what: 'sessions' };

export class SessionStore {
  constructor(
    private readonly db: Db,
    private readonly ttlS: number,
    /** Sessions one user may open per hour. */
    private readonly maxPerHour: number,
  ) {}

  /** @throws CocoonError('rate_limited') when the user opened `maxPerHour` sessions in the last hour. */
  async issue(userId: string, now = new Date()): Promise<IssuedSession> {
    await checkHourlyQuota(this.db, quota, userId, this.maxPerHour, now);
    const token = toB64u(randomBytes(32));
    const expiresAt = new Date(now.getTime() + this.ttlS * 1000);
    await this.db.insert(sessions).values({ tokenHash: hashToken(token), userId, expiresAt });
    return { token, expiresAt };
  }

  /**
   * @throws CocoonError('auth.session_invalid') for an unknown token,
   *   CocoonError('auth.session_expired') for one past its expiry,
   *   CocoonError('apikey.forbidden') for an API key (server/auth/principal.ts accepts those where they may be used).
   */
  async authenticate(token: string, now = new Date()): Promise<UserRow> {
    return (await this.authenticateUntil(token, now)).user;
  }

  /**
   * As `authenticate`, with the session's expiry. A session is never revoked, only expires (and is
   * then purged): a connection that checked it once needs only its expiry to know it still holds
   * (server/relay/client-socket.ts checks it per job, in memory). Revoking sessions would have to
   * change that.
   */
  async authenticateUntil(token: string, now = new Date()): Promise<{ user: UserRow; expiresAt: Date }> {
    if (isApiKeyToken(token)) throw new CocoonError('apikey.forbidden', 'this needs the Telegram session; API keys work for the developer API only');
    const [row] = await this.db
      .select({ user: users, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, hashToken(token)));
    if (!row) throw new CocoonError('auth.session_invalid', 'unknown session');
    if (row.expiresAt.getTime() <= now.getTime()) throw new CocoonError('auth.session_expired', 'session expired');
    return { user: row.user, expiresAt: row.expiresAt };
  }

  /** Deletes expired sessions; run by the sweeper. */
  async purgeExpired(now = new Date()): Promise<number> {
    const rows = await this.db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ h: sessions.tokenHash });
    return rows.length;
  }
}
