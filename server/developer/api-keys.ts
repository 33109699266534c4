import { createHash, randomBytes } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import { toB64u } from '@cocoon/shared/protocol/encoding';
import { API_KEY_DISPLAY_CHARS, API_KEY_PREFIX, API_KEY_RANDOM_BYTES, ApiKeySecretSchema } from '@cocoon/shared/protocol/developer';
import type { UserRow } from '../auth/sessions';
import type { Db } from '../db/client';
import { apiKeys, users } from '../db/schema';
import { keySpending, type KeySpending } from './key-spending';

export type ApiKeyRow = typeof apiKeys.$inferSelect;

/** Micro-credits; null: no limit. */
export interface KeyLimits {
  total: bigint | null;
  daily: bigint | null;
  perRequest: bigint | null;
}

/** Keys one user may have that are not revoked. */
export const MAX_ACTIVE_KEYS_PER_USER = 20;
/** `lastUsedAt` is written at most this often per key, not on every request. */
const TOUCH_EVERY_MS = 60_000;

/** Only this reaches the database; a key is 32 random bytes, so a fast hash is enough. */
export const hashApiKey = (secret: string): string => createHash('sha256').update(secret).digest('hex');

const newSecret = (): string => API_KEY_PREFIX + toB64u(randomBytes(API_KEY_RANDOM_BYTES));

/**
 * Developers' API keys: created with a name and limits (the plaintext returned once), listed with
 * what they spent, revoked, and resolved back to their owner when a request presents one.
 */
export class ApiKeyStore {
  constructor(private readonly db: Db) {}

  /** @throws CocoonError('apikey.too_many') when the user has `MAX_ACTIVE_KEYS_PER_USER` active keys. */
  async create(userId: string, name: string, limits: KeyLimits): Promise<{ row: ApiKeyRow; secret: string }> {
    const [active] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(apiKeys)
      .where(and(eq(apiKeys.userId, userId), isNull(apiKeys.revokedAt)));
    if ((active?.n ?? 0) >= MAX_ACTIVE_KEYS_PER_USER) {
      throw new CocoonError('apikey.too_many', `at most ${MAX_ACTIVE_KEYS_PER_USER} active keys; revoke one first`);
    }
    const secret = newSecret();
    const [row] = await this.db
      .insert(apiKeys)
      .values({ userId, name, keyHash: hashApiKey(secret), prefix: secret.slice(0, API_KEY_DISPLAY_CHARS), ...limitColumns(limits) })
      .returning();
    return { row: row!, secret };
  }

  /** The user's keys, newest first, with what each spent and holds. */
  async list(userId: string, now = new Date()): Promise<{ row: ApiKeyRow; spending: KeySpending }[]> {
    const rows = await this.db.select().from(apiKeys).where(eq(apiKeys.userId, userId)).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
    const spending = await keySpending(this.db, userId, rows.map((r) => r.id), now);
    return rows.map((row) => ({ row, spending: spending.get(row.id)! }));
  }

  /** @throws CocoonError('apikey.not_found') unless `keyId` is one of the user's keys. */
  async get(userId: string, keyId: string): Promise<ApiKeyRow> {
    const [row] = await this.db.select().from(apiKeys).where(and(eq(apiKeys.id, keyId), eq(apiKeys.userId, userId)));
    if (!row) throw new CocoonError('apikey.not_found', 'no such key');
    return row;
  }

  async withSpending(row: ApiKeyRow, now = new Date()): Promise<{ row: ApiKeyRow; spending: KeySpending }> {
    const spending = await keySpending(this.db, row.userId, [row.id], now);
    return { row, spending: spending.get(row.id)! };
  }

  /** Revokes the key for good; revoking it again changes nothing. Its jobs in flight finish and settle. */
  async revoke(userId: string, keyId: string, now = new Date()): Promise<ApiKeyRow> {
    await this.get(userId, keyId);
    await this.db
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)));
    return this.get(userId, keyId);
  }

  /** Replaces the key's three limits. @throws CocoonError('apikey.revoked') for a revoked key. */
  async setLimits(userId: string, keyId: string, limits: KeyLimits): Promise<ApiKeyRow> {
    const key = await this.get(userId, keyId);
    if (key.revokedAt) throw new CocoonError('apikey.revoked', `key '${key.name}' was revoked`);
    const [row] = await this.db.update(apiKeys).set(limitColumns(limits)).where(eq(apiKeys.id, keyId)).returning();
    return row!;
  }

  /**
   * The owner of a presented key, with the key; records when it was last used.
   * @throws CocoonError('apikey.invalid') for a malformed or unknown key, ('apikey.revoked') for a revoked one.
   */
  async authenticate(secret: string, now = new Date()): Promise<{ user: UserRow; key: ApiKeyRow }> {
    if (!ApiKeySecretSchema.safeParse(secret).success) throw new CocoonError('apikey.invalid', 'malformed API key');
    const [found] = await this.db
      .select({ key: apiKeys, user: users })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(eq(apiKeys.keyHash, hashApiKey(secret)));
    if (!found) throw new CocoonError('apikey.invalid', 'unknown API key');
    if (found.key.revokedAt) throw new CocoonError('apikey.revoked', `key '${found.key.name}' was revoked`);
    if (!found.key.lastUsedAt || now.getTime() - found.key.lastUsedAt.getTime() >= TOUCH_EVERY_MS) {
      await this.db.update(apiKeys).set({ lastUsedAt: now }).where(eq(apiKeys.id, found.key.id));
      found.key.lastUsedAt = now;
    }
    return found;
  }
}

const limitColumns = (l: KeyLimits) => ({ totalLimit: l.total, dailyLimit: l.daily, requestLimit: l.perRequest });
