import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { z } from 'zod';
import { CocoonError } from '@cocoon/shared/errors';
import type { GenerationResponseSchema } from '@cocoon/shared/protocol/developer';
import { SignedReceiptSchema } from '@cocoon/shared/protocol/receipt';
import type { Executor } from '../db/client';
import { jobs, transfers } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { TransferKinds } from '../ledger/transfers';
import { jobReceiptId } from './usage';

export type Generation = z.input<typeof GenerationResponseSchema>;

/**
 * The exact cost of one of the user's jobs, read from the ledger: the transfers that moved credits
 * from the user for it (the host's earning and the network's fee). With `apiKeyId`, only a job
 * made with that key is visible; any other is "not found", as if it did not exist.
 * @throws CocoonError('job.not_found')
 */
export async function generation(db: Executor, who: { userId: string; apiKeyId: string | null }, jobId: string): Promise<Generation> {
  const where: SQL[] = [eq(jobs.id, jobId), eq(jobs.userId, who.userId)];
  if (who.apiKeyId) where.push(eq(jobs.apiKeyId, who.apiKeyId));
  const [job] = await db.select().from(jobs).where(and(...where));
  if (!job) throw new CocoonError('job.not_found', 'no such request');
  const moved = await db
    .select({ kind: transfers.kind, amount: sql<string>`sum(${transfers.amount})` })
    .from(transfers)
    .where(and(eq(transfers.jobId, jobId), eq(transfers.debitAccount, Accounts.user(who.userId).id)))
    .groupBy(transfers.kind);
  const of = (kind: string): bigint => BigInt(moved.find((m) => m.kind === kind)?.amount ?? '0');
  const hostEarning = of(TransferKinds.jobEarning);
  const networkFee = of(TransferKinds.jobCommission);
  const receipt = SignedReceiptSchema.safeParse(job.receipt);
  return {
    id: job.id,
    keyId: job.apiKeyId,
    model: job.model,
    hostId: job.hostId,
    status: job.status,
    errorCode: job.errorCode,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    maxTokens: job.maxTokens,
    promptTokens: job.promptTokens,
    completionTokens: job.completionTokens,
    finishReason: receipt.success ? receipt.data.receipt.finishReason : null,
    hold: String(job.hold),
    cost: String(hostEarning + networkFee),
    hostEarning: String(hostEarning),
    networkFee: String(networkFee),
    receiptId: await jobReceiptId(job.receipt),
    receipt: receipt.success ? receipt.data : null,
  };
}
