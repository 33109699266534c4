import { describe, expect, it } from 'vitest';
import { costOf } from '@cocoon/shared/pricing';
import { openClient, sealJob } from './support/client';
import { createFakeIdentity, FakeHost } from './support/fake-host';
import { createScratchDatabase, dropScratchDatabase, postgresReachable } from './support/test-db';
import { enrollToken, signIn, startTestServer } from './support/test-server';

const PRICE = { promptPerMillion: 1_000_000_000n, completionPerMillion: 2_000_000_000n };

describe.skipIf(!postgresReachable)('the broker on PostgreSQL (DATABASE_URL)', () => {
  it('migrates at boot, settles a job, and keeps its data across a restart', async () => {
    const url = await createScratchDatabase();
    try {
      const t = await startTestServer({ DATABASE_URL: url });
      const id = await createFakeIdentity({ models: ['demo/pg'] });
      await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
      const { token, userId } = await signIn(t.server, { telegramId: 777 });
      const client = await openClient(t.wsUrl, token);
      const job = await sealJob(id);
      client.send({ type: 'job.create', meta: job.meta, request: job.request });
      const settled = await client.next<{ charged: string; balance: string }>('job.settled');
      expect(BigInt(settled.charged)).toBe(costOf(PRICE, { promptTokens: 21, completionTokens: 3 }));
      expect(await t.server.services().ledger.sumOfBalances()).toBe(0n);
      await t.close();

      const again = await startTestServer({ DATABASE_URL: url });
      try {
        const me = await signIn(again.server, { telegramId: 777 });
        expect(me.userId).toBe(userId);
        expect((await again.server.services().ledger.userFunds(userId)).balance).toBe(BigInt(settled.balance));
      } finally {
        await again.close();
      }
    } finally {
      await dropScratchDatabase(url);
    }
  });
});
