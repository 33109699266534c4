import { Address } from '@ton/core';
import { and, desc, eq, ne } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { wallets } from '../db/schema';

export interface ProvenWallet {
  address: Address;
  publicKey: string;
  provedAt: Date;
}

/**
 * Records that `userId` proved control of `address` (raw `wc:hex` in the table). A user has one
 * wallet: proving another replaces it. A wallet has one user: the latest proof wins, since
 * whoever proved it last controls it now.
 */
export async function recordWallet(exec: Executor, userId: string, address: Address, publicKey: Buffer, now: Date): Promise<void> {
  const raw = address.toRawString();
  await exec.delete(wallets).where(and(eq(wallets.userId, userId), ne(wallets.address, raw)));
  await exec
    .insert(wallets)
    .values({ address: raw, userId, publicKey: publicKey.toString('hex'), provedAt: now })
    .onConflictDoUpdate({ target: wallets.address, set: { userId, publicKey: publicKey.toString('hex'), provedAt: now } });
}

/** The wallet `userId` proved, or null. */
export async function walletOf(exec: Executor, userId: string): Promise<ProvenWallet | null> {
  const [row] = await exec.select().from(wallets).where(eq(wallets.userId, userId)).orderBy(desc(wallets.provedAt)).limit(1);
  return row ? { address: Address.parse(row.address), publicKey: row.publicKey, provedAt: row.provedAt } : null;
}
