import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { HistoryKinds, type HistoryResponseSchema } from '@cocoon/shared/protocol/payments';
import type { Executor } from '../db/client';
import { jobs, payments, PaymentProviders, PaymentStatuses, transfers } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { TransferKinds } from '../ledger/transfers';

export type HistoryItem = z.input<typeof HistoryResponseSchema>['items'][number];
type Dated = HistoryItem & { at: Date };

/**
 * A user's credit movements, newest first, `amount` signed in micro-credits: starter credits and
 * top-ups (+), refunds and jobs (−, one item per job with its model and tokens). Each source is
 * read newest-first up to `limit`, so the merge holds the newest `limit` of all.
 */
export async function creditsHistory(db: Executor, userId: string, limit: number): Promise<HistoryItem[]> {
  const [starter, topUps, refunds, spent] = await Promise.all([
    starterItems(db, userId, limit),
    topUpItems(db, userId, limit),
    refundItems(db, userId, limit),
    jobItems(db, userId, limit),
  ]);
  return [...starter, ...topUps, ...refunds, ...spent]
    .sort((a, b) => b.at.getTime() - a.at.getTime() || (a.id < b.id ? -1 : 1))
    .slice(0, limit)
    .map(({ at, ...item }) => ({ ...item, createdAt: at.toISOString() }));
}

async function starterItems(db: Executor, userId: string, limit: number): Promise<Dated[]> {
  const rows = await db
    .select()
    .from(transfers)
    .where(and(eq(transfers.creditAccount, Accounts.user(userId).id), eq(transfers.kind, TransferKinds.starterCredits)))
    .orderBy(desc(transfers.createdAt))
    .limit(limit);
  return rows.map((t) => ({ id: t.id, kind: HistoryKinds.starter, amount: String(t.amount), createdAt: '', at: t.createdAt }));
}

type PaymentRow = typeof payments.$inferSelect;

const paymentDetails = (p: PaymentRow) =>
  p.provider === PaymentProviders.stars ? { stars: Number(p.paidAmount) } : { nanoton: String(p.paidAmount), txHash: p.externalId };

async function topUpItems(db: Executor, userId: string, limit: number): Promise<Dated[]> {
  const rows = await db.select().from(payments).where(eq(payments.userId, userId)).orderBy(desc(payments.createdAt)).limit(limit);
  return rows.map((p) => ({
    id: p.id,
    kind: p.provider === PaymentProviders.stars ? HistoryKinds.stars : HistoryKinds.ton,
    amount: String(p.credits),
    createdAt: '',
    at: p.createdAt,
    ...paymentDetails(p),
  }));
}

async function refundItems(db: Executor, userId: string, limit: number): Promise<Dated[]> {
  const rows = await db
    .select()
    .from(payments)
    .where(and(eq(payments.userId, userId), eq(payments.status, PaymentStatuses.refunded), isNotNull(payments.refundedAt)))
    .orderBy(desc(payments.refundedAt))
    .limit(limit);
  return rows.map((p) => ({ id: `${p.id}:refund`, kind: HistoryKinds.refund, amount: String(-p.credits), createdAt: '', at: p.refundedAt!, ...paymentDetails(p) }));
}

/** What each job took from the user (the host's earning and the commission), from the ledger. */
async function jobItems(db: Executor, userId: string, limit: number): Promise<Dated[]> {
  const at = sql`max(${transfers.createdAt})`.mapWith(transfers.createdAt);
  const rows = await db
    .select({
      jobId: jobs.id,
      total: sql<string>`sum(${transfers.amount})`,
      at,
      model: jobs.model,
      promptTokens: jobs.promptTokens,
      completionTokens: jobs.completionTokens,
    })
    .from(transfers)
    .innerJoin(jobs, eq(jobs.id, transfers.jobId))
    .where(eq(transfers.debitAccount, Accounts.user(userId).id))
    .groupBy(jobs.id)
    .orderBy(desc(at))
    .limit(limit);
  return rows.map((r) => ({
    id: r.jobId,
    kind: HistoryKinds.job,
    amount: String(-BigInt(r.total)),
    createdAt: '',
    at: r.at,
    model: r.model,
    ...(r.promptTokens !== null ? { promptTokens: r.promptTokens } : {}),
    ...(r.completionTokens !== null ? { completionTokens: r.completionTokens } : {}),
  }));
}
