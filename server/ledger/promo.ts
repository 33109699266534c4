import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { promoBalances } from '../db/schema';

/**
 * Promotional credits (issue 11). Starter credits are tracked apart from the user's balance so a
 * job paid with them can pay its host in promotional credits, which never become withdrawable
 * TON: otherwise anyone could turn free credits into TON by running jobs on their own machine.
 * A user's promotional credits are spent first, in the statement that closes the job's hold
 * (settlement.ts), so two settlements of one user cannot spend the same credits.
 */

/** Adds a grant to the user's unspent promotional credits. */
export async function addPromoIn(tx: Tx, userId: string, amount: bigint): Promise<void> {
  await tx
    .insert(promoBalances)
    .values({ userId, remaining: amount })
    .onConflictDoUpdate({ target: promoBalances.userId, set: { remaining: sql`${promoBalances.remaining} + ${amount}` } });
}

export interface ChargeSplit {
  /** To `host:<id>`: withdrawable once the settlement delay has passed. */
  hostEarning: bigint;
  /** To `host_promo:<id>`: the host's share of the part paid with promotional credits. */
  hostPromoEarning: bigint;
  /** To `network:fees`, over the whole charge. */
  commission: bigint;
}

/**
 * Splits a charge between the host and the network, the part `promoCovered` of it paid with
 * promotional credits. The commission is computed on the whole charge as before (rounded down);
 * its promotional share is `commission × promoCovered / charged`, rounded down, so the host's
 * promotional earning is rounded up by at most one micro-credit and its withdrawable earning is
 * the exact remainder: the three parts always add up to the charge.
 */
export function splitCharge(charged: bigint, commissionBps: number, promoCovered: bigint): ChargeSplit {
  const commission = (charged * BigInt(commissionBps)) / 10_000n;
  const promoCommission = charged > 0n ? (commission * promoCovered) / charged : 0n;
  const hostPromoEarning = promoCovered - promoCommission;
  return { hostEarning: charged - commission - hostPromoEarning, hostPromoEarning, commission };
}
