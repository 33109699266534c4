import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import { starsInvoices } from '../db/schema';
import type { Services } from '../services';
import { findPack, type CreditPack } from './packs';

const MICRO = 1_000_000n;

/** "10 credits", "2.5 credits": Telegram shows it on the invoice. */
export function creditsLabel(micro: bigint): string {
  const whole = micro / MICRO;
  const frac = (micro % MICRO).toString().padStart(6, '0').replace(/0+$/, '');
  return `${whole}${frac ? `.${frac}` : ''} credits`;
}

/**
 * Records an open invoice for a pack and asks Telegram for its link. The row comes first, so a
 * pre-checkout query that arrives at once finds it; it is removed again if Telegram refuses.
 * @throws CocoonError('payments.stars_unavailable' | 'payments.pack_unknown' | 'telegram.*')
 */
export async function createStarsInvoice(s: Services, userId: string, packId: string): Promise<{ invoiceLink: string; payload: string }> {
  if (!s.stars.enabled) throw new CocoonError('payments.stars_unavailable', 'Stars payments are not configured on this server');
  const pack: CreditPack = findPack(s.config.CREDIT_PACKS, packId);
  const payload = `cc1.${randomBytes(18).toString('base64url')}`;
  const db = s.database.db;
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
