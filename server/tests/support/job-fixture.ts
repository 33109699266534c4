import { eq } from 'drizzle-orm';
import { jobs } from '../../db/schema';
import { createFakeIdentity, FakeHost, type FakeIdentity } from './fake-host';
import { enrollToken, startTestServer, type TestServer } from './test-server';

/** The test config's default price and starter credits. */
export const PRICE = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };
export const STARTER = 100_000_000n;
/** The fixture host asks 1.5× the base price. */
export const HOST_COEFFICIENT = 1500n;

export interface JobFixture {
  t: TestServer;
  id: FakeIdentity;
  host: FakeHost;
  /** The one-time token the host enrolled with (used up): must never reach a log. */
  enrollToken: string;
  funds(userId: string): Promise<{ balance: bigint; held: bigint; available: bigint }>;
  jobRow(jobId: string): Promise<typeof jobs.$inferSelect | undefined>;
}

/** A started broker with one enrolled fake host serving `demo/tiny`. */
export async function startJobFixture(): Promise<JobFixture> {
  const t = await startTestServer();
  const id = await createFakeIdentity({ models: ['demo/tiny'] });
  const token = await enrollToken(t);
  const host = await FakeHost.start(t.wsUrl, id, { enrollToken: token, priceCoefficientMilli: Number(HOST_COEFFICIENT) });
  return {
    t,
    id,
    host,
    enrollToken: token,
    funds: (userId) => t.server.services().ledger.userFunds(userId),
    jobRow: async (jobId) => (await t.server.services().database.db.select().from(jobs).where(eq(jobs.id, jobId)))[0],
  };
}
