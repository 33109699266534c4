import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { hosts, jobs, owners, users } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { Ledger } from '../ledger/ledger';
import { TransferKinds } from '../ledger/transfers';
import { isCocoonError } from '@cocoon/shared/errors';
import { backends, expectCode, openTestDatabase, postgresReachable, type TestDatabase } from '../tests/support/test-db';
import { dailyEarnings, earningsTotals, type EarningsClock } from './earnings';
import { payoutComment, quote, recordPayout, returnPayoutIn, type PayoutRules } from './outbox';

const RULES: PayoutRules = { min: 10_000_000n, feeNano: 10_000_000n, microCreditsPerTon: 100_000_000n };
/** Everything settled so far is past the delay. */
const matured = (): EarningsClock => ({ settlementDelayS: 0, now: new Date(Date.now() + 60_000) });
const inDelay = (): EarningsClock => ({ settlementDelayS: 86_400, now: new Date() });
const ADDRESS = `0:${'ab'.repeat(32)}`;


describe.each(backends)('payout outbox and earnings on %s', (backend) => {
  const skip = backend === 'postgres' && !postgresReachable;
  let database: TestDatabase;
  let ledger: Ledger;

  beforeAll(async () => {
    if (skip) return;
    database = await openTestDatabase(backend);
    ledger = new Ledger(database.db, { commissionBps: 500 });
  });
  afterAll(async () => database?.close());
  afterEach(async () => {
    if (!skip) expect(await ledger.sumOfBalances()).toBe(0n);
  });

  const newUser = async () => (await database.db.insert(users).values({ telegramId: BigInt(Math.floor(Math.random() * 1e12)), firstName: 'O' }).returning())[0]!.id;

  /** An owner with a payout wallet and `machines` machines. */
  async function newOwner(machines = 1, opts: { wallet?: boolean } = {}) {
    const ownerId = await newUser();
    if (opts.wallet !== false) await database.db.insert(owners).values({ userId: ownerId, payoutAddress: ADDRESS, payoutProvedAt: new Date() });
    const hostIds = Array.from({ length: machines }, () => `node-${randomUUID()}`);
    for (const id of hostIds) await database.db.insert(hosts).values({ id, ownerId, status: 'online', teeKind: 'simulated', bundleDigest: 'd', lastSeen: new Date() });
    return { ownerId, hostIds };
  }

  /** A customer's job on `hostId`, paid with bought credits (or with starter credits: `promo`). */
  async function job(hostId: string, charged: bigint, opts: { promo?: boolean } = {}) {
    const userId = await newUser();
    if (opts.promo) await ledger.grantStarterCredits(userId, charged);
    else await ledger.transfer({ debit: Accounts.ton, credit: Accounts.user(userId), amount: charged, kind: TransferKinds.tonTopUp, idempotencyKey: `bought:${userId}` });
    const jobId = randomUUID();
    await database.db.insert(jobs).values({ id: jobId, userId, hostId, model: 'demo/tiny', maxTokens: 1, requestBytes: 1, status: 'settled', hold: charged });
    await ledger.placeHold({ jobId, userId, amount: charged, expiresAt: new Date(Date.now() + 3_600_000) });
    return ledger.settle(jobId, hostId, charged);
  }

  it.skipIf(skip)('quote: the amount at the configured rate, less the fee', () => {
    expect(quote(100_000_000n, RULES)).toEqual({ amount: 100_000_000n, valueNano: 990_000_000n, feeNano: 10_000_000n });
  });

  it.skipIf(skip)('totals: pending until the settlement delay passes, then withdrawable; fees and promotional apart', async () => {
    const { ownerId, hostIds } = await newOwner(2);
    await job(hostIds[0]!, 200_000_000n);
    await job(hostIds[1]!, 100_000_000n);
    await job(hostIds[1]!, 40_000_000n, { promo: true });
    expect(await earningsTotals(database.db, ownerId, inDelay())).toEqual({ pending: 285_000_000n, withdrawable: 0n, promotional: 38_000_000n, inFlight: 0n, paidOut: 0n, networkFees: 17_000_000n });
    await expectCode(recordPayout(database.db, { ownerId, amount: 20_000_000n, idempotencyKey: 'too-early-1' }, RULES, inDelay()), 'payout.insufficient');
    expect(await earningsTotals(database.db, ownerId, matured())).toMatchObject({ pending: 0n, withdrawable: 285_000_000n, promotional: 38_000_000n });
  });

  it.skipIf(skip)('a payout takes from the machines in order, is in flight until settled; a returned one is withdrawable again, once', async () => {
    const { ownerId, hostIds } = await newOwner(2);
    await job(hostIds[0]!, 100_000_000n);
    await job(hostIds[1]!, 100_000_000n);
    const { payout, created } = await recordPayout(database.db, { ownerId, amount: 120_000_000n, idempotencyKey: 'first-withdrawal' }, RULES, matured());
    expect(created).toBe(true);
    expect(payout).toMatchObject({ status: 'recorded', amount: 120_000_000n, valueNano: 1_190_000_000n, feeNano: 10_000_000n, address: ADDRESS });
    expect(payout.queryId > 0n && payoutComment(payout.queryId).length <= 28).toBe(true);
    expect(await ledger.balance(Accounts.hostEarnings(hostIds.sort()[0]!))).toBe(0n);
    expect(await earningsTotals(database.db, ownerId, matured())).toMatchObject({ withdrawable: 70_000_000n, inFlight: 120_000_000n });
    // A double tap: the same payout, nothing moved again.
    const again = await recordPayout(database.db, { ownerId, amount: 120_000_000n, idempotencyKey: 'first-withdrawal' }, RULES, matured());
    expect(again).toEqual({ payout, created: false });
    const returned = await database.db.transaction((tx) => returnPayoutIn(tx, payout.id, 'bounced', new Date()));
    expect(returned?.status).toBe('returned');
    expect(await database.db.transaction((tx) => returnPayoutIn(tx, payout.id, 'bounced', new Date()))).toBeNull();
    expect(await earningsTotals(database.db, ownerId, matured())).toMatchObject({ withdrawable: 190_000_000n, inFlight: 0n, paidOut: 0n });
  });

  it.skipIf(skip)('refused: no payout wallet, below the minimum, more than withdrawable, promotional earnings', async () => {
    const noWallet = await newOwner(1, { wallet: false });
    await expectCode(recordPayout(database.db, { ownerId: noWallet.ownerId, idempotencyKey: 'no-wallet-1' }, RULES, matured()), 'owner.no_payout_wallet');
    const { ownerId, hostIds } = await newOwner(1);
    await expectCode(recordPayout(database.db, { ownerId, idempotencyKey: 'nothing-yet' }, RULES, matured()), 'payout.insufficient');
    await job(hostIds[0]!, 500_000_000n, { promo: true });
    expect(await earningsTotals(database.db, ownerId, matured())).toMatchObject({ withdrawable: 0n, promotional: 475_000_000n });
    await expectCode(recordPayout(database.db, { ownerId, amount: 20_000_000n, idempotencyKey: 'promo-is-not-ton' }, RULES, matured()), 'payout.insufficient');
    await job(hostIds[0]!, 20_000_000n);
    await expectCode(recordPayout(database.db, { ownerId, amount: 9_999_999n, idempotencyKey: 'below-min-1' }, RULES, matured()), 'payout.below_minimum');
    await expectCode(recordPayout(database.db, { ownerId, amount: 19_000_001n, idempotencyKey: 'too-much-1' }, RULES, matured()), 'payout.insufficient');
    const all = await recordPayout(database.db, { ownerId, idempotencyKey: 'everything' }, RULES, matured());
    expect(all.payout.amount).toBe(19_000_000n);
  });

  it.skipIf(skip)('two withdrawals at once cannot overdraw', async () => {
    const { ownerId, hostIds } = await newOwner(2);
    await job(hostIds[0]!, 50_000_000n);
    await job(hostIds[1]!, 50_000_000n);
    const attempts = await Promise.all(
      ['race-a', 'race-b', 'race-c'].map((key) =>
        recordPayout(database.db, { ownerId, amount: 60_000_000n, idempotencyKey: key }, RULES, matured()).then(
          () => 'ok',
          (e: unknown) => (isCocoonError(e, 'payout.insufficient') ? 'short' : Promise.reject(e)),
        ),
      ),
    );
    expect(attempts.filter((a) => a === 'ok')).toHaveLength(1);
    expect(await earningsTotals(database.db, ownerId, matured())).toMatchObject({ withdrawable: 35_000_000n, inFlight: 60_000_000n });
  });

  it.skipIf(skip)('daily earnings: every UTC day, zeros included, per machine, promotional apart', async () => {
    const { ownerId, hostIds } = await newOwner(2);
    await job(hostIds[0]!, 10_000n);
    await job(hostIds[1]!, 20_000n, { promo: true });
    const days = await dailyEarnings(database.db, ownerId, 7, new Date());
    expect(days).toHaveLength(7);
    const today = new Date().toISOString().slice(0, 10);
    expect(days.at(-1)).toEqual({ day: today, total: 28_500n, promotional: 19_000n, byMachine: { [hostIds[0]!]: 9_500n, [hostIds[1]!]: 19_000n } });
    for (const d of days.slice(0, -1)) expect(d).toMatchObject({ total: 0n, promotional: 0n });
    expect(days[0]!.byMachine).toEqual({ [hostIds[0]!]: 0n, [hostIds[1]!]: 0n });
    expect(await dailyEarnings(database.db, ownerId, 30, new Date())).toHaveLength(30);
  });
});
