import { eq } from 'drizzle-orm';
import { owners, users } from '../db/schema';
import type { Services } from '../services';

/**
 * Owners' notifications through the bot (issue 11): machine offline for more than 5 minutes, back
 * online, payout sent. Sent only to owners who have not turned them off in the app. Best effort:
 * a failed send is logged and never fails what caused it (a payout, a reconnect).
 */
export async function notifyOwner(s: Pick<Services, 'database' | 'bot'>, ownerId: string, text: string, log?: { warn(obj: object, msg: string): void }): Promise<boolean> {
  try {
    const [row] = await s.database.db
      .select({ telegramId: users.telegramId, notifications: owners.notifications })
      .from(users)
      .leftJoin(owners, eq(owners.userId, users.id))
      .where(eq(users.id, ownerId))
      .limit(1);
    if (!row || row.notifications === false) return false;
    await s.bot.api.sendMessage(Number(row.telegramId), text);
    return true;
  } catch (e) {
    log?.warn({ ownerId, err: e instanceof Error ? e.message : String(e) }, 'owner notification not sent');
    return false;
  }
}
