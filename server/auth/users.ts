import { eq } from 'drizzle-orm';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import type { Ledger } from '../ledger/ledger';
import type { TelegramIdentity } from './init-data';
import type { UserRow } from './sessions';

/**
 * Finds or creates the user behind a Telegram identity. A new user gets the starter credits in
 * the same transaction; the grant's idempotency key makes it once per user even on a retry.
 */
export async function upsertTelegramUser(db: Db, ledger: Ledger, who: TelegramIdentity, starterCredits: bigint): Promise<UserRow> {
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(users)
      .values({ telegramId: who.telegramId, firstName: who.firstName, username: who.username ?? null })
      .onConflictDoNothing({ target: users.telegramId })
      .returning();
    if (created) {
      await ledger.grantStarterCredits(created.id, starterCredits, tx);
      return created;
    }
    const [updated] = await tx
      .update(users)
      .set({ firstName: who.firstName, username: who.username ?? null })
      .where(eq(users.telegramId, who.telegramId))
      .returning();
    return updated!;
  });
}
