import { randomUUID } from 'node:crypto';
import { toNano, type Address } from '@ton/core';
import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSandboxChain, type SandboxChain } from '@cocoon/dev/ton/sandbox-chain/index';
import { hosts, owners, payouts, users } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { Ledger } from '../ledger/ledger';
import { TransferKinds } from '../ledger/transfers';
import { backends, openTestDatabase, postgresReachable, type TestDatabase } from '../tests/support/test-db';
import type { TonChain } from '../ton/chain';
import { textComment } from '../ton/toncenter/decode-transaction';
import { createToncenterClient } from '../ton/toncenter/client';
import { PayoutConfirmer, payoutSentText } from './confirmer';
import { earningsTotals, type EarningsClock } from './earnings';
import { payoutComment, recordPayout, type PayoutRow, type PayoutRules } from './outbox';
import { PayoutSender } from './sender';
import { PayoutWallet } from './payout-wallet';

const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;
const RULES: PayoutRules = { min: 10_000_000n, feeNano: 10_000_000n, microCreditsPerTon: 100_000_000n };
const matured = (): EarningsClock => ({ settlementDelayS: 0, now: new Date(Date.now() + 60_000) });

/** A chain that works until the process "dies": before or right after handing a message over. */
function dyingChain(base: TonChain, when: 'before-send' | 'after-send'): TonChain {
  let dead = false;
  const alive = <T>(f: () => Promise<T>): Promise<T> => (dead ? Promise.reject(new Error('process died')) : f());
  return {
    getMasterchainInfo: () => alive(() => base.getMasterchainInfo()),
    getAddressInformation: (a) => alive(() => base.getAddressInformation(a)),
    getTransactions: (a, p) => alive(() => base.getTransactions(a, p)),
    runGetMethod: (a, m) => alive(() => base.runGetMethod(a, m)),
    async sendBoc(boc) {
      if (dead) throw new Error('process died');
      if (when === 'after-send') await base.sendBoc(boc);
      dead = true;
      throw new Error('process died');
    },
  };
}

describe.each(backends)('TON payouts on the sandbox chain, %s', (backend) => {
  const skip = backend === 'postgres' && !postgresReachable;
  let database: TestDatabase;
  let ledger: Ledger;
  let sandbox: SandboxChain;
  let chain: TonChain;
  let wallet: PayoutWallet;
  let confirmer: PayoutConfirmer;
  const notices: PayoutRow[] = [];

  const sender = (opts: { chain?: TonChain; now?: () => Date } = {}) => {
    const c = opts.chain ?? chain;
    return new PayoutSender({ db: database.db, chain: c, wallet: new PayoutWallet(sandbox.payoutWallet.keyPair, 'sandbox', c), log, validForS: 60, pollIntervalMs: 60_000, ...(opts.now ? { now: opts.now } : {}) });
  };

  beforeAll(async () => {
    if (skip) return;
    database = await openTestDatabase(backend);
    ledger = new Ledger(database.db, { commissionBps: 500 });
    sandbox = await startSandboxChain();
    chain = createToncenterClient({ baseUrl: sandbox.url });
    wallet = new PayoutWallet(sandbox.payoutWallet.keyPair, 'sandbox', chain);
    confirmer = new PayoutConfirmer({ db: database.db, chain, wallet, log, pollIntervalMs: 60_000, resetMissingCursor: false, pageSize: 3, onConfirmed: async (p) => notices.push(p) });
  });
  afterAll(async () => {
    await sandbox?.close();
    await database?.close();
  });
  afterEach(async () => {
    if (skip) return;
    expect(await ledger.sumOfBalances()).toBe(0n);
    expect((await database.db.select().from(payouts)).filter((p) => p.status === 'recorded' || p.status === 'sent')).toEqual([]);
  });

  /** An owner whose payout address is `to`, with one machine that earned `earned` (after the 5% fee) from bought credits. */
  async function ownerWith(to: Address, earned: bigint) {
    const newUser = async () => (await database.db.insert(users).values({ telegramId: BigInt(Math.floor(Math.random() * 1e12)), firstName: 'O' }).returning())[0]!.id;
    const ownerId = await newUser();
    await database.db.insert(owners).values({ userId: ownerId, payoutAddress: to.toRawString(), payoutProvedAt: new Date() });
    const hostId = `node-${randomUUID()}`;
    await database.db.insert(hosts).values({ id: hostId, ownerId, status: 'online', teeKind: 'simulated', bundleDigest: 'd', lastSeen: new Date() });
    const customer = await newUser();
    const charged = (earned * 100n) / 95n;
    await ledger.transfer({ debit: Accounts.ton, credit: Accounts.user(customer), amount: charged, kind: TransferKinds.tonTopUp, idempotencyKey: `bought:${customer}` });
    const jobId = randomUUID();
    await ledger.placeHold({ jobId, userId: customer, amount: charged, expiresAt: new Date(Date.now() + 3_600_000) });
    await ledger.settle(jobId, hostId, charged);
    return { ownerId, hostId };
  }
  const withdraw = (ownerId: string, amount: bigint) => recordPayout(database.db, { ownerId, amount, idempotencyKey: randomUUID() }, RULES, matured()).then((r) => r.payout);
  const row = async (id: string) => (await database.db.select().from(payouts).where(eq(payouts.id, id)))[0]!;
  const balanceOf = async (a: Address) => (await sandbox.network.account(a)).balance;
  /** The payout transfers `a` received (by their comment). */
  const received = (a: Address, p: PayoutRow) =>
    sandbox.network.transactionsOf(a).filter((tx) => tx.inMessage?.info.type === 'internal' && !tx.inMessage.info.bounced && textComment(tx.inMessage.body) === payoutComment(p.queryId));

  it.skipIf(skip)('the payout wallet is the sandbox chain’s funded v5r1 wallet', async () => {
    expect(wallet.address.equals(sandbox.payoutWallet.address)).toBe(true);
    const state = await wallet.state();
    expect(state).toMatchObject({ active: true });
    expect(state.balance).toBeGreaterThan(toNano('100'));
  });

  it.skipIf(skip)('a payout is sent, confirmed from the chain with its hash, and the TON arrives', async () => {
    const owner = await sandbox.createTestWallet({ version: 'v5r1', balance: toNano('1') });
    const { ownerId } = await ownerWith(owner.address, 150_000_000n);
    const before = await balanceOf(owner.address);
    const p = await withdraw(ownerId, 100_000_000n);
    expect(p.valueNano).toBe(toNano('0.99'));
    expect(await sender().sendOnce()).toEqual({ kind: 'sent', payoutId: p.id, resent: false });
    expect((await row(p.id)).status).toBe('sent');
    const round = await confirmer.pollOnce();
    expect(round.confirmed).toEqual([p.id]);
    const done = await row(p.id);
    expect(done).toMatchObject({ status: 'confirmed', failure: null });
    expect(done.txHash).toMatch(/^[0-9a-f]{64}$/);
    const arrivals = received(owner.address, p);
    expect(arrivals).toHaveLength(1);
    const inbound = arrivals[0]!.inMessage!.info;
    expect(inbound.type === 'internal' && inbound.value.coins).toBe(p.valueNano);
    expect(await balanceOf(owner.address)).toBe(before + p.valueNano - arrivals[0]!.totalFees.coins);
    expect(notices.map((n) => n.id)).toContain(p.id);
    expect(payoutSentText(done, 'https://tonviewer.com/transaction/{hash}')).toBe(`💸 Payout of 0.99 TON sent: https://tonviewer.com/transaction/${done.txHash}`);
    expect(await earningsTotals(database.db, ownerId, matured())).toMatchObject({ withdrawable: 50_000_000n, inFlight: 0n, paidOut: 100_000_000n });
    // Replaying the chain changes nothing.
    expect(await confirmer.pollOnce()).toMatchObject({ scanned: 0, confirmed: [], returned: [] });
  });

  it.skipIf(skip)('interrupted after recording, before signing: the next sender sends it once', async () => {
    const owner = await sandbox.createTestWallet({ version: 'v4', balance: toNano('1') });
    const { ownerId } = await ownerWith(owner.address, 20_000_000n);
    const p = await withdraw(ownerId, 20_000_000n);
    const next = sender();
    expect(await next.sendOnce()).toMatchObject({ kind: 'sent', payoutId: p.id });
    expect(await next.sendOnce()).toEqual({ kind: 'idle' });
    await confirmer.pollOnce();
    expect((await row(p.id)).status).toBe('confirmed');
    expect(received(owner.address, p)).toHaveLength(1);
  });

  it.skipIf(skip)('interrupted after signing, before sending: the stored message is sent once after restart', async () => {
    const owner = await sandbox.createTestWallet({ version: 'v4', balance: toNano('1') });
    const { ownerId } = await ownerWith(owner.address, 20_000_000n);
    const p = await withdraw(ownerId, 20_000_000n);
    const crashed = await sender({ chain: dyingChain(chain, 'before-send') }).sendOnce();
    expect(crashed).toMatchObject({ kind: 'retry', payoutId: p.id });
    const stored = await row(p.id);
    expect(stored).toMatchObject({ status: 'recorded' });
    expect(stored.boc).not.toBeNull();
    expect(received(owner.address, p)).toHaveLength(0);
    const restarted = sender();
    expect(await restarted.sendOnce()).toEqual({ kind: 'sent', payoutId: p.id, resent: true });
    expect((await row(p.id)).boc).toBe(stored.boc);
    expect(await restarted.sendOnce()).toEqual({ kind: 'idle' });
    await confirmer.pollOnce();
    expect((await row(p.id)).status).toBe('confirmed');
    expect(received(owner.address, p)).toHaveLength(1);
  });

  it.skipIf(skip)('a crash after sending, before marking it sent, does not pay twice', async () => {
    const owner = await sandbox.createTestWallet({ version: 'v4', balance: toNano('1') });
    const { ownerId } = await ownerWith(owner.address, 20_000_000n);
    const p = await withdraw(ownerId, 20_000_000n);
    await sender({ chain: dyingChain(chain, 'after-send') }).sendOnce();
    expect((await row(p.id)).status).toBe('recorded');
    expect(received(owner.address, p)).toHaveLength(1);
    // The restarted sender resends the same message: the wallet refuses a used seqno; it is marked sent.
    expect(await sender().sendOnce()).toEqual({ kind: 'sent', payoutId: p.id, resent: true });
    await confirmer.pollOnce();
    expect((await row(p.id)).status).toBe('confirmed');
    expect(received(owner.address, p)).toHaveLength(1);
  });

  it.skipIf(skip)('a bounced payout returns to withdrawable', async () => {
    const nobody = await sandbox.createTestWallet({ version: 'v4', balance: 0n, deploy: false });
    const { ownerId } = await ownerWith(nobody.address, 30_000_000n);
    const p = await withdraw(ownerId, 30_000_000n);
    expect(await earningsTotals(database.db, ownerId, matured())).toMatchObject({ withdrawable: 0n, inFlight: 30_000_000n });
    expect(await sender().sendOnce()).toMatchObject({ kind: 'sent', payoutId: p.id });
    const round = await confirmer.pollOnce();
    expect(round).toMatchObject({ confirmed: [], returned: [p.id] });
    expect(await row(p.id)).toMatchObject({ status: 'returned', failure: expect.stringMatching(/^bounced/) });
    expect(await balanceOf(nobody.address)).toBe(0n);
    expect(await earningsTotals(database.db, ownerId, matured())).toMatchObject({ withdrawable: 30_000_000n, inFlight: 0n, paidOut: 0n });
    expect(notices.map((n) => n.id)).not.toContain(p.id);
  });

  it.skipIf(skip)('a payout whose message expired unsent returns to withdrawable and is never sent', async () => {
    const owner = await sandbox.createTestWallet({ version: 'v4', balance: toNano('1') });
    const { ownerId } = await ownerWith(owner.address, 20_000_000n);
    const p = await withdraw(ownerId, 20_000_000n);
    // A sender whose clock is two minutes behind signs a message that is already past its expiry.
    const late = await sender({ now: () => new Date(Date.now() - 120_000) }).sendOnce();
    expect(late).toMatchObject({ kind: 'retry', payoutId: p.id });
    expect(await sender().sendOnce()).toEqual({ kind: 'idle' });
    const round = await confirmer.pollOnce();
    expect(round.returned).toEqual([p.id]);
    expect(await row(p.id)).toMatchObject({ status: 'returned', failure: expect.stringMatching(/^expired/) });
    expect(received(owner.address, p)).toHaveLength(0);
    expect(await earningsTotals(database.db, ownerId, matured())).toMatchObject({ withdrawable: 20_000_000n, inFlight: 0n });
  });

  it.skipIf(skip)('payouts one after another each get their own seqno', async () => {
    const owner = await sandbox.createTestWallet({ version: 'v5r1', balance: toNano('1') });
    const { ownerId } = await ownerWith(owner.address, 60_000_000n);
    const first = await withdraw(ownerId, 20_000_000n);
    const second = await withdraw(ownerId, 20_000_000n);
    const s = sender();
    expect(await s.sendOnce()).toMatchObject({ kind: 'sent', payoutId: first.id });
    expect(await s.sendOnce()).toMatchObject({ kind: 'sent', payoutId: second.id });
    expect((await row(second.id)).seqno).toBe((await row(first.id)).seqno! + 1);
    await confirmer.pollOnce();
    expect((await row(first.id)).status).toBe('confirmed');
    expect((await row(second.id)).status).toBe('confirmed');
  });
});
