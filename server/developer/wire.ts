import type { z } from 'zod';
import type { ApiKeySchema } from '@cocoon/shared/protocol/developer';
import type { ApiKeyRow } from './api-keys';
import type { KeySpending } from './key-spending';

const micro = (v: bigint | null): string | null => (v === null ? null : String(v));
const iso = (d: Date | null): string | null => (d === null ? null : d.toISOString());

/** A key as the developer API shows it: never its hash. */
export function keyToWire(row: ApiKeyRow, spending: KeySpending): z.input<typeof ApiKeySchema> {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    limits: { total: micro(row.totalLimit), daily: micro(row.dailyLimit), perRequest: micro(row.requestLimit) },
    spent: { total: String(spending.total), today: String(spending.today) },
    held: String(spending.held),
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: iso(row.lastUsedAt),
    revokedAt: iso(row.revokedAt),
  };
}
