import { eq } from 'drizzle-orm';
import { jobs } from '../../db/schema';
import { createFakeIdentity, FakeHost, type FakeIdentity } from './fake-host';
import { ENROLL_TOKEN, startTestServer, type TestServer } from './test-server';

/** The test config's default price and starter credits. */
export const PRICE = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };
export const STARTER = 100_000_000n;
/** The fixture host asks 1.5× the base price. */
export const HOST_COEFFICIENT = 1500n;

export interface JobFixture {
  t: TestServer;
  id: FakeIdentity;
  host: FakeHost;
  funds(userId: string): Promise<{ balance: bigint; held: bigint; available: bigint }>;
  jobRow(jobId: string): Promise<typeof jobs.$inferSelect | undefined>;
}

/** A started broker with one enrolled fake host serving `demo/tiny`. */
export async function startJobFixture(): Promise<JobFixture> {
  const t = await startTestServer();
  const id = await createFakeIdentity({ hostId: 'fake-host-1', models: ['demo/tiny'] });
  const host = await FakeHost.start(t.wsUrl, id, { enrollToken: ENROLL_TOKEN, priceCoefficientMilli: Number(HOST_COEFFICIENT) });
  return {
    t,
    id,
    host,
    funds: (userId) => t.server.services().ledger.userFunds(userId),
    jobRow: async (jobId) => (await t.server.services().database.db.select().from(jobs).where(eq(jobs.id, jobId)))[0],
  };
}
