import { sql } from 'drizzle-orm';
import type { Executor } from '../db/client';
import { jobs, JobStatuses } from '../db/schema';

/** How long a first token's time waits for its job to settle before it is written on its own. */
export const FIRST_TOKEN_FLUSH_MS = 250;

/** Jobs written per statement. */
export const MARKS_PER_STATEMENT = 5_000;

/**
 * When each job's first answer chunk passed the broker (`first_token_at`, and the job `streaming`),
 * kept off the hot path. Writing it as the chunk went out cost that chunk's reader a database
 * statement (on PGlite, 2 ms of the broker's event loop before the frame left). Now a job that
 * settles within FIRST_TOKEN_FLUSH_MS writes the time with its settlement (`take`), and the
 * others' times go together in one statement once that long has passed. Statistics only: a
 * database that is away costs the numbers, never the answer, nor its pace.
 */
export class FirstTokenMarks {
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly db: Executor,
    private readonly onError: (jobIds: string[], err: unknown) => void,
    private readonly flushMs = FIRST_TOKEN_FLUSH_MS,
  ) {}

  mark(jobId: string, at: Date): void {
    this.pending.set(jobId, at);
    this.timer ??= setTimeout(() => void this.flush(), this.flushMs).unref();
  }

  /** The job's first-token time if it is still waiting to be written, which its settlement now writes. */
  take(jobId: string): Date | undefined {
    const at = this.pending.get(jobId);
    this.pending.delete(jobId);
    return at;
  }

  /** Writes every waiting time in one statement. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const all = [...this.pending];
    this.pending = new Map();
    // Two parameters a job: slices keep a burst within PostgreSQL's 65,535 per statement.
    for (let i = 0; i < all.length; i += MARKS_PER_STATEMENT) {
      const batch = all.slice(i, i + MARKS_PER_STATEMENT);
      try {
        await markFirstTokens(this.db, batch);
      } catch (err) {
        this.onError(batch.map(([id]) => id), err);
      }
    }
  }
}

/**
 * Sets each job's first-token time once; an `open` job becomes `streaming`, and a job that was
 * settled or failed meanwhile keeps its status and still gets its time.
 */
export async function markFirstTokens(exec: Executor, marks: readonly (readonly [jobId: string, at: Date])[]): Promise<void> {
  if (marks.length === 0) return;
  const values = sql.join(marks.map(([id, at]) => sql`(${id}::uuid, ${at.toISOString()}::timestamptz)`), sql`, `);
  await exec.execute(sql`
    update ${jobs} set
      first_token_at = v.at,
      status = case when ${jobs.status} = ${JobStatuses.open} then ${JobStatuses.streaming} else ${jobs.status} end
    from (values ${values}) as v(id, at)
    where ${jobs.id} = v.id and ${jobs.firstTokenAt} is null`);
}
