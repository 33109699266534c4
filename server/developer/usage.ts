import { and, desc, eq, gte, isNotNull, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import type { UsageItemSchema } from '@cocoon/shared/protocol/developer';
import { fromB64u, fromUtf8, toB64u, utf8 } from '@cocoon/shared/protocol/encoding';
import { SignedReceiptSchema } from '@cocoon/shared/protocol/receipt';
import { receiptId } from '@cocoon/shared/receipt';
import type { Executor } from '../db/client';
import { apiKeys, jobs, JobStatuses } from '../db/schema';

export type UsageItem = z.input<typeof UsageItemSchema>;

/** Which requests: the user's made with any key, or with one key; all days, or one UTC day. */
export interface UsageFilter {
  userId: string;
  keyId?: string | undefined;
  day?: string | undefined;
}

export interface UsagePage {
  items: UsageItem[];
  nextCursor: string | null;
}

/**
 * The position after a page: the last row's `created_at` as PostgreSQL printed it (microseconds,
 * which a JS Date would round off, skipping rows) and its id.
 */
const CursorSchema = z.object({ t: z.string().regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/), id: z.uuid() });
type Cursor = z.infer<typeof CursorSchema>;

const encodeCursor = (c: Cursor): string => toB64u(utf8(JSON.stringify(c)));

function decodeCursor(text: string): Cursor {
  try {
    return CursorSchema.parse(JSON.parse(fromUtf8(fromB64u(text))));
  } catch (e) {
    throw new CocoonError('protocol.malformed_message', 'invalid fields: cursor', { cause: e });
  }
}

const dayRange = (day: string): [Date, Date] => {
  const start = new Date(`${day}T00:00:00.000Z`);
  return [start, new Date(start.getTime() + 86_400_000)];
};

/** Requests made with API keys, newest first, `limit` at a time. `cost` is the ledger's charge, settled in the same transaction. */
export async function listUsage(db: Executor, f: UsageFilter, page: { cursor?: string | undefined; limit: number }): Promise<UsagePage> {
  const where: SQL[] = [eq(jobs.userId, f.userId), isNotNull(jobs.apiKeyId)];
  if (f.keyId) where.push(eq(jobs.apiKeyId, f.keyId));
  if (f.day) {
    const [start, end] = dayRange(f.day);
    where.push(gte(jobs.createdAt, start), lt(jobs.createdAt, end));
  }
  if (page.cursor) {
    const c = decodeCursor(page.cursor);
    where.push(sql`(${jobs.createdAt}, ${jobs.id}) < (${c.t}::timestamptz, ${c.id}::uuid)`);
  }
  const rows = await db
    .select({
      job: jobs,
      keyName: apiKeys.name,
      at: sql<string>`to_char(${jobs.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(jobs)
    .innerJoin(apiKeys, eq(apiKeys.id, jobs.apiKeyId))
    .where(and(...where))
    .orderBy(desc(jobs.createdAt), desc(jobs.id))
    .limit(page.limit + 1);
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const last = shown.at(-1);
  return {
    items: await Promise.all(shown.map((r) => toItem(r.job, r.keyName))),
    nextCursor: more && last ? encodeCursor({ t: last.at, id: last.job.id }) : null,
  };
}

/** Every page of `listUsage`, for the CSV export. */
export async function* allUsage(db: Executor, f: UsageFilter, pageSize = 1000): AsyncGenerator<UsageItem> {
  let cursor: string | undefined;
  do {
    const page = await listUsage(db, f, { cursor, limit: pageSize });
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

type JobRow = typeof jobs.$inferSelect;

/** The id of the receipt a job was settled from, if it has one. */
export async function jobReceiptId(receipt: unknown): Promise<string | null> {
  const parsed = SignedReceiptSchema.safeParse(receipt);
  return parsed.success ? receiptId(parsed.data) : null;
}

async function toItem(job: JobRow, keyName: string): Promise<UsageItem> {
  const finished = job.status === JobStatuses.settled || job.status === JobStatuses.failed;
  return {
    id: job.id,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    keyId: job.apiKeyId!,
    keyName,
    model: job.model,
    hostId: job.hostId,
    promptTokens: job.promptTokens,
    completionTokens: job.completionTokens,
    cost: finished ? String(job.charged ?? 0n) : null,
    status: job.status,
    errorCode: job.errorCode,
    receiptId: await jobReceiptId(job.receipt),
  };
}
