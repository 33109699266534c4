import { eq } from 'drizzle-orm';
import { CocoonError } from '@cocoon/shared/errors';
import { formatCredits } from '@cocoon/shared/pricing';
import type { Tx } from '../db/client';
import { apiKeys } from '../db/schema';
import { keySpending } from './key-spending';

/** Credits with at least two decimals, as budgets are read: "4.20", "5.00", "0.1234". */
export function creditsText(micro: bigint): string {
  const [whole, frac = ''] = formatCredits(micro).split('.');
  return `${whole}.${frac.padEnd(2, '0')}`;
}

/**
 * Inside the transaction that places a job's hold, before it: refuses the job when its hold (its
 * worst case) is above the key's per-request cap, or would take the key past its total or daily
 * budget, counting what the key's other jobs in flight hold. The key's row is locked until the
 * transaction ends, so concurrent jobs of one key (on any broker instance) are checked one after
 * the other and cannot overshoot together. `for no key update`: settling a job only takes a
 * key-share lock on the row (the spend row's foreign key), which this does not block.
 * @throws CocoonError('apikey.revoked' | 'apikey.request_cap_exceeded' | 'apikey.budget_exceeded'); nothing is held then.
 */
export async function checkKeyBudget(tx: Tx, apiKeyId: string, hold: bigint, now = new Date()): Promise<void> {
  const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.id, apiKeyId)).for('no key update');
  if (!key) throw new CocoonError('apikey.invalid', 'unknown API key');
  const name = `key '${key.name}'`;
  if (key.revokedAt) throw new CocoonError('apikey.revoked', `${name} was revoked`);
  if (key.requestLimit !== null && hold > key.requestLimit) {
    throw new CocoonError(
      'apikey.request_cap_exceeded',
      `this request can cost up to ${creditsText(hold)} credits, above the per-request cap of ${name} (${creditsText(key.requestLimit)}); lower max_tokens or raise the cap`,
    );
  }
  if (key.totalLimit === null && key.dailyLimit === null) return;
  const s = (await keySpending(tx, key.userId, [key.id], now)).get(key.id)!;
  const onHold = s.held > 0n ? `, ${creditsText(s.held)} on hold` : '';
  const ask = `; this request can cost up to ${creditsText(hold)}`;
  if (key.totalLimit !== null && s.total + s.held + hold > key.totalLimit) {
    throw new CocoonError('apikey.budget_exceeded', `total budget of ${name} exhausted (spent ${creditsText(s.total)} of ${creditsText(key.totalLimit)} credits${onHold}${ask})`);
  }
  if (key.dailyLimit !== null && s.today + s.held + hold > key.dailyLimit) {
    throw new CocoonError('apikey.budget_exceeded', `daily budget of ${name} exhausted (spent ${creditsText(s.today)} of ${creditsText(key.dailyLimit)} credits today${onHold}${ask})`);
  }
}
