import { randomBytes } from 'node:crypto';
import { and, eq, lt } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import type { Executor } from '../db/client';
import { starsInvoices } from '../db/schema';
import { checkHourlyQuota, type QuotaTable } from '../limits/hourly-quota';
import type { Services } from '../services';
import { findPack, type CreditPack } from './packs';
import { INVOICE_TTL_MS } from './stars-checkout';

const MICRO = 1_000_000n;

/** "10 credits", "2.5 credits": Telegram shows it on the invoice. */
export function creditsLabel(micro: bigint): string {
  const whole = micro / MICRO;
  const frac = (micro % MICRO).toString().padStart(6, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} credits`;
}

const quota: QuotaTable = { table: starsInvoices, userId: starsInvoices.userId, createdAt: starsInvoices.createdAt, what: 'Stars invoices' };
/** Unpaid invoices are kept this long past their payable day, so a late pre-checkout is told "expired". */
const KEEP_STALE_MS = 24 * 3600_000;

/**
 * Records an open invoice for a pack and asks Telegram for its link. The row comes first, so a
 * pre-checkout query that arrives at once finds it; it is removed again if Telegram refuses.
 * @throws CocoonError('payments.stars_unavailable' | 'payments.pack_unknown' | 'rate_limited' | 'telegram.*')
 */
export async function createStarsInvoice(s: Services, userId: string, packId: string): Promise<{ invoiceLink: string; payload: string }> {
  if (!s.stars.enabled) throw new CocoonError('payments.stars_unavailable', 'Stars payments are not configured on this server');
  const pack: CreditPack = findPack(s.config.CREDIT_PACKS, packId);
  const payload = `cc1.${randomBytes(18).toString('base64url')}`;
  const db = s.database.db;
  await checkHourlyQuota(db, quota, userId, s.config.STARS_INVOICES_PER_USER_PER_HOUR);
  await db.insert(starsInvoices).values({ payload, userId, packId: pack.id, stars: pack.stars, credits: pack.credits });
  try {
    const label = creditsLabel(pack.credits);
    const invoiceLink = await s.stars.api.createInvoiceLink({
      title: label,
      description: `${label} for confidential AI chat on Cocoon`,
      payload,
      stars: pack.stars,
      label,
    });
    return { invoiceLink, payload };
  } catch (e) {
    await db.delete(starsInvoices).where(eq(starsInvoices.payload, payload));
    throw e;
  }
}

/** Deletes invoices never paid and a day past their payable day; run by the broker's upkeep. */
export async function purgeStaleInvoices(exec: Executor, now = new Date()): Promise<number> {
  const before = new Date(now.getTime() - INVOICE_TTL_MS - KEEP_STALE_MS);
  const rows = await exec
    .delete(starsInvoices)
    .where(and(eq(starsInvoices.status, 'open'), lt(starsInvoices.createdAt, before)))
    .returning({ payload: starsInvoices.payload });
  return rows.length;
}
