import { and, eq, inArray, ne, sql, type SQL } from 'drizzle-orm';
import type { ErrorCode } from '@cocoon/shared/errors';
import type { JobMeta } from '@cocoon/shared/protocol/jobs';
import type { SignedReceipt } from '@cocoon/shared/protocol/receipt';
import type { Executor } from '../db/client';
import { jobs, JobStatuses } from '../db/schema';
import { recordKeySpend } from '../developer/key-spending';

/** The jobs table: what the broker records about a job (never its content). */

export interface NewJob {
  meta: JobMeta;
  userId: string;
  /** The developer's API key the job came with (null or absent: the Mini App's session). */
  apiKeyId?: string | null;
  requestBytes: number;
  hold: bigint;
}

export async function insertJob(exec: Executor, j: NewJob): Promise<void> {
  await exec.insert(jobs).values({
    id: j.meta.jobId,
    userId: j.userId,
    apiKeyId: j.apiKeyId ?? null,
    hostId: j.meta.hostId,
    model: j.meta.model,
    maxTokens: j.meta.maxTokens,
    requestBytes: j.requestBytes,
    status: JobStatuses.open,
    hold: j.hold,
  });
}

/**
 * The job's row as the statement that goes with its hold (Ledger.placeHold's `alongside`): written
 * in the hold's statement, and only if the hold was placed.
 */
export function insertJobAlongsideHold(j: NewJob): SQL {
  return sql`
    insert into ${jobs} (id, user_id, api_key_id, host_id, model, max_tokens, request_bytes, status, hold)
    select job_id, ${j.userId}::uuid, ${j.apiKeyId ?? null}::uuid, ${j.meta.hostId}, ${j.meta.model}, ${j.meta.maxTokens}::int,
      ${j.requestBytes}::int, ${JobStatuses.open}, ${j.hold}::bigint
    from placed`;
}

/**
 * Records the settlement on the job (once: a settled job is left as it is) and, for a job that
 * came with an API key, adds the charge to the key's spend; run in the ledger's settling transaction.
 * `firstTokenAt`: the first token's time when it was not written yet (first-token-marks.ts).
 */
export async function markSettled(exec: Executor, jobId: string, signed: SignedReceipt, charged: bigint, firstTokenAt?: Date): Promise<void> {
  const now = new Date();
  const [row] = await exec
    .update(jobs)
    .set({
      status: JobStatuses.settled,
      charged,
      promptTokens: signed.receipt.promptTokens,
      completionTokens: signed.receipt.completionTokens,
      receipt: signed,
      updatedAt: now,
      finishedAt: now,
      ...(firstTokenAt && { firstTokenAt: sql`coalesce(${jobs.firstTokenAt}, ${firstTokenAt.toISOString()}::timestamptz)` }),
    })
    .where(and(eq(jobs.id, jobId), ne(jobs.status, JobStatuses.settled)))
    .returning({ apiKeyId: jobs.apiKeyId, createdAt: jobs.createdAt });
  if (row?.apiKeyId) await recordKeySpend(exec, row.apiKeyId, row.createdAt, charged);
}

/** Marks unfinished jobs failed; jobs already settled or failed keep their outcome. */
export async function markFailed(exec: Executor, jobIds: string[], code: ErrorCode): Promise<void> {
  if (jobIds.length === 0) return;
  const now = new Date();
  await exec
    .update(jobs)
    .set({ status: JobStatuses.failed, errorCode: code, charged: 0n, updatedAt: now, finishedAt: now })
    .where(and(inArray(jobs.id, jobIds), inArray(jobs.status, [JobStatuses.open, JobStatuses.streaming])));
}
