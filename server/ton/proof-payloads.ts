import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import type { Executor } from '../db/client';
import { tonProofPayloads } from '../db/schema';
import { checkHourlyQuota, type QuotaTable } from '../limits/hourly-quota';

/** Expired and used payloads are kept this long, so a late proof is told "expired" or "used", not "unknown". */
const KEEP_EXPIRED_MS = 24 * 3600_000;

const quota: QuotaTable = { table: tonProofPayloads, userId: tonProofPayloads.userId, createdAt: tonProofPayloads.createdAt, what: 'ton_proof payloads' };

/**
 * One-time `ton_proof` payloads: 32 bytes as hex, stored with an expiry and consumed once, in the
 * transaction that records the wallet. The first 16 bytes are random; the last 16 are an HMAC of
 * them and the user's id, so a payload issued to one session cannot prove a wallet for another
 * (the MAC binds without the table's `user_id`, which only counts a user's payloads per hour).
 */
export class ProofPayloads {
  constructor(
    private readonly db: Executor,
    private readonly opts: { ttlS: number; secret: Buffer; maxPerHour: number },
  ) {}

  /** @throws CocoonError('rate_limited') when the user was issued `maxPerHour` payloads in the last hour. */
  async issue(userId: string, now = new Date()): Promise<{ payload: string; expiresAt: Date }> {
    await checkHourlyQuota(this.db, quota, userId, this.opts.maxPerHour, now);
    const nonce = randomBytes(16);
    const payload = Buffer.concat([nonce, this.mac(userId, nonce)]).toString('hex');
    const expiresAt = new Date(now.getTime() + this.opts.ttlS * 1000);
    await this.db.insert(tonProofPayloads).values({ payload, userId, expiresAt });
    return { payload, expiresAt };
  }

  /** Deletes payloads expired or used over a day ago; run by the broker's upkeep. */
  async purge(now = new Date()): Promise<number> {
    const before = new Date(now.getTime() - KEEP_EXPIRED_MS);
    const rows = await this.db
      .delete(tonProofPayloads)
      .where(or(lt(tonProofPayloads.expiresAt, before), lt(tonProofPayloads.usedAt, before)))
      .returning({ payload: tonProofPayloads.payload });
    return rows.length;
  }

  /** Read-only: throws `ton.proof_payload_unknown`, `_used` or `ton.proof_expired` unless `payload` is usable by `userId`. */
  async check(userId: string, payload: string, now = new Date(), exec: Executor = this.db): Promise<void> {
    if (!this.boundTo(userId, payload)) throw new CocoonError('ton.proof_payload_unknown', 'payload was not issued to this session');
    const [row] = await exec.select().from(tonProofPayloads).where(eq(tonProofPayloads.payload, payload));
    if (!row) throw new CocoonError('ton.proof_payload_unknown', 'payload was not issued here');
    if (row.usedAt) throw new CocoonError('ton.proof_payload_used', 'payload was already used');
    if (row.expiresAt.getTime() <= now.getTime()) throw new CocoonError('ton.proof_expired', 'payload expired');
  }

  /** Marks the payload used inside `exec` (a transaction); throws like `check` when it cannot. */
  async consume(exec: Executor, userId: string, payload: string, now = new Date()): Promise<void> {
    const used = await exec
      .update(tonProofPayloads)
      .set({ usedAt: now })
      .where(and(eq(tonProofPayloads.payload, payload), isNull(tonProofPayloads.usedAt), gt(tonProofPayloads.expiresAt, now)))
      .returning({ payload: tonProofPayloads.payload });
    if (used.length === 1) return;
    await this.check(userId, payload, now, exec);
    throw new CocoonError('ton.proof_payload_used', 'payload was already used');
  }

  private mac(userId: string, nonce: Buffer): Buffer {
    return createHmac('sha256', this.opts.secret).update(`ton-proof-payload\0${userId}\0`).update(nonce).digest().subarray(0, 16);
  }

  private boundTo(userId: string, payload: string): boolean {
    if (!/^[0-9a-f]{64}$/.test(payload)) return false;
    const bytes = Buffer.from(payload, 'hex');
    return timingSafeEqual(bytes.subarray(16), this.mac(userId, bytes.subarray(0, 16)));
  }
}

/** The payload MAC key, derived from the bot token so no new secret needs configuring. */
export function payloadSecret(botToken: string): Buffer {
  return createHmac('sha256', 'cocoon/ton-proof-payload/v1').update(botToken).digest();
}
