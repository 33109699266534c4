import { beginCell, toNano } from '@ton/core';
import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chainCursors, payments, transfers, users } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { Ledger } from '../ledger/ledger';
import { backends, openTestDatabase, postgresReachable, type TestDatabase } from '../tests/support/test-db';
import type { TonChain } from './chain';
import { depositCommentFor } from './deposit-codes';
import { DepositWatcher } from './deposit-watcher';
import { startSandboxChain, type SandboxChain, type SandboxWallet } from '@cocoon/dev/ton/sandbox-chain/index';
import { createToncenterClient } from './toncenter/client';

const MICRO_PER_TON = 100_000_000n;
const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
const comment = (text: string) => beginCell().storeUint(0, 32).storeStringTail(text).endCell();

describe.each(backends)('TON deposits on %s', (backend) => {
  const skip = backend === 'postgres' && !postgresReachable;
  let database: TestDatabase;
  let ledger: Ledger;
  let sandbox: SandboxChain;
  let chain: TonChain;
  let alice: SandboxWallet;
  let userId: string;
  let code: string;

  const watcher = (opts: { serviceAddress?: SandboxWallet['address']; resetMissingCursor?: boolean } = {}) =>
    new DepositWatcher({
      chain,
      db: database.db,
      ledger,
      log,
      microCreditsPerTon: MICRO_PER_TON,
      serviceAddress: opts.serviceAddress ?? sandbox.serviceWallet.address,
      pollIntervalMs: 60_000,
      resetMissingCursor: opts.resetMissingCursor ?? false,
      pageSize: 2,
    });
  const balance = () => ledger.balance(Accounts.user(userId));
  const deposit = async (value: bigint, text: string, to = sandbox.serviceWallet.address) =>
    chain.sendBoc(alice.transferBoc({ to, value, comment: text, seqno: await alice.seqno() }));

  beforeAll(async () => {
    if (skip) return;
    database = await openTestDatabase(backend);
    ledger = new Ledger(database.db, { commissionBps: 500 });
    sandbox = await startSandboxChain();
    chain = createToncenterClient({ baseUrl: sandbox.url });
    alice = await sandbox.createTestWallet({ version: 'v4', balance: toNano('100') });
    const [user] = await database.db.insert(users).values({ telegramId: 42n, firstName: 'Alice' }).returning();
    userId = user!.id;
    code = await depositCommentFor(database.db, userId);
    await watcher().pollOnce(); // the service wallet's deploy: nothing to credit
  });
  afterAll(async () => {
    await sandbox?.close();
    await database?.close();
  });

  it.skipIf(skip)('credits a transfer with the comment once, from external:ton, keyed by the transaction hash', async () => {
    expect(code).toMatch(/^cocoon-[a-z2-7]{10}$/);
    expect(await depositCommentFor(database.db, userId)).toBe(code);
    await deposit(toNano('2.5'), code);
    const { outcomes } = await watcher().pollOnce();
    expect(outcomes).toEqual([{ kind: 'credited', userId, credits: 250_000_000n, nanoton: toNano('2.5') }]);
    expect(await balance()).toBe(250_000_000n);
    const [paid] = await database.db.select().from(payments).where(eq(payments.userId, userId));
    expect(paid).toMatchObject({ provider: 'ton', paidAmount: toNano('2.5'), credits: 250_000_000n });
    const [t] = await database.db.select().from(transfers).where(eq(transfers.idempotencyKey, `ton:${paid!.externalId}`));
    expect(t).toMatchObject({ debitAccount: 'external:ton', creditAccount: `user:${userId}`, kind: 'ton_top_up', amount: 250_000_000n });
    expect(await ledger.sumOfBalances()).toBe(0n);
  });

  it.skipIf(skip)('credits nothing more on a replay: run twice, restarted, or from an older cursor', async () => {
    const before = await balance();
    expect((await watcher().pollOnce()).scanned).toBe(0);
    await database.db.delete(chainCursors);
    const replay = await watcher().pollOnce();
    expect(replay.outcomes.filter((o) => o.kind === 'credited')).toEqual([]);
    expect(replay.outcomes.filter((o) => o.kind === 'already_credited')).toHaveLength(1);
    expect(await balance()).toBe(before);
    expect(await database.db.select().from(payments)).toHaveLength(1);
  });

  it.skipIf(skip)('ignores bounced, unknown-comment, no-comment, zero-value and outgoing transactions', async () => {
    const before = await balance();
    await sandbox.network.fund(sandbox.serviceWallet.address, toNano('3'), { from: alice.address, bounced: true, body: comment(code) });
    await deposit(toNano('1'), 'cocoon-aaaaaaaaaa');
    await deposit(toNano('1'), 'hello');
    await chain.sendBoc(alice.transferBoc({ to: sandbox.serviceWallet.address, value: toNano('1'), seqno: await alice.seqno() }));
    await deposit(0n, code);
    const service = sandbox.serviceWallet;
    await chain.sendBoc(service.transferBoc({ to: alice.address, value: toNano('1'), comment: code, seqno: await service.seqno() }));
    const { outcomes } = await watcher().pollOnce();
    expect(outcomes.map((o) => (o.kind === 'ignored' ? o.reason : o.kind))).toEqual(['bounced', 'unknown_comment', 'unknown_comment', 'no_comment', 'zero_value', 'not_internal']);
    expect(await balance()).toBe(before);
  });

  it.skipIf(skip)('ignores an aborted transaction (a bounceable transfer to an undeployed wallet bounces back)', async () => {
    const undeployed = await sandbox.createTestWallet({ version: 'v5r1', balance: 0n, deploy: false });
    await deposit(toNano('1'), code, undeployed.address);
    const { outcomes } = await watcher({ serviceAddress: undeployed.address }).pollOnce();
    expect(outcomes.at(-1)).toEqual({ kind: 'ignored', reason: 'aborted' });
  });

  it.skipIf(skip)('resumes from the saved cursor after a restart', async () => {
    const before = await balance();
    const head = (await chain.getAddressInformation(sandbox.serviceWallet.address)).lastTransaction!;
    const [cursor] = await database.db.select().from(chainCursors);
    expect(cursor).toMatchObject({ lt: head.lt, hash: head.hash });
    // The broker is down: three deposits arrive (more than one page of 2).
    for (const ton of ['1', '2', '3']) await deposit(toNano(ton), code);
    const { scanned, outcomes } = await watcher().pollOnce();
    expect(scanned).toBe(3);
    expect(outcomes.map((o) => o.kind === 'credited' && o.nanoton)).toEqual([toNano('1'), toNano('2'), toNano('3')]);
    expect(await balance()).toBe(before + 600_000_000n);
    expect(await ledger.sumOfBalances()).toBe(0n);
  });

  it.skipIf(skip)('a cursor from another chain (a restarted sandbox) is reset only when asked, and credits nothing twice', async () => {
    const before = await balance();
    const foreign = { name: watcher().cursorName, lt: 10n ** 15n, hash: 'ee'.repeat(32) };
    await database.db.update(chainCursors).set(foreign).where(eq(chainCursors.name, foreign.name));
    expect((await watcher().pollOnce()).scanned).toBe(0);
    const reset = await watcher({ resetMissingCursor: true }).pollOnce();
    expect(reset.scanned).toBeGreaterThan(5);
    expect(reset.outcomes.filter((o) => o.kind === 'credited')).toEqual([]);
    expect(await balance()).toBe(before);
  });
});
