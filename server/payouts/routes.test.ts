import { randomUUID } from 'node:crypto';
import { toNano } from '@ton/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EarningsResponseSchema, OwnerResponseSchema, PayoutQuoteSchema, PayoutsResponseSchema } from '@cocoon/shared/protocol/owner';
import { TonProofPayloadResponseSchema } from '@cocoon/shared/protocol/payments';
import type { SandboxChain } from '@cocoon/dev/ton/sandbox-chain/index';
import { hosts } from '../db/schema';
import { Accounts } from '../ledger/accounts';
import { TransferKinds } from '../ledger/transfers';
import { connectRequest } from '../tests/support/ton';
import { buildTestServer, signIn } from '../tests/support/test-server';

type Built = ReturnType<typeof buildTestServer>;

describe('the owner payout routes on the embedded sandbox chain', () => {
  let t: Built;
  let sandbox: SandboxChain;

  beforeAll(async () => {
    t = buildTestServer({ DEV_MODE: 'true', TON_PROOF_DOMAINS: 'cocoon.test', SETTLEMENT_DELAY_S: '0', PAYOUT_MIN: '20000000', TON_POLL_INTERVAL_MS: '60000', STARTER_CREDITS: '0' });
    await t.server.app.ready();
    sandbox = t.dev.tonChain()!;
  });
  afterAll(() => t.server.close());

  const call = (method: 'GET' | 'POST' | 'PATCH', url: string, token: string, payload?: unknown) =>
    t.server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload: payload as object } : {}) });
  const newPayload = async (token: string) => TonProofPayloadResponseSchema.parse((await call('GET', '/api/ton/proof-payload', token)).json()).payload;
  const services = () => t.server.services();

  /** What one machine of the owner earned from a customer's bought credits (after the 5% fee). */
  async function earn(ownerId: string, earned: bigint): Promise<string> {
    const s = services();
    const hostId = `node-${randomUUID()}`;
    await s.database.db.insert(hosts).values({ id: hostId, ownerId, status: 'online', teeKind: 'simulated', bundleDigest: 'd', lastSeen: new Date() });
    const { userId } = await signIn(t.server);
    const charged = (earned * 100n) / 95n;
    await s.ledger.transfer({ debit: Accounts.ton, credit: Accounts.user(userId), amount: charged, kind: TransferKinds.tonTopUp, idempotencyKey: `bought:${userId}` });
    const jobId = randomUUID();
    await s.ledger.placeHold({ jobId, userId, amount: charged, expiresAt: new Date(Date.now() + 3_600_000) });
    await s.ledger.settle(jobId, hostId, charged);
    return hostId;
  }

  it('an owner proves a payout wallet, withdraws, and the TON arrives with its hash in the history', async () => {
    const { token, userId } = await signIn(t.server);
    const first = OwnerResponseSchema.parse((await call('GET', '/api/owner', token)).json());
    expect(first.owner).toBeNull();
    expect(first.payoutRules).toMatchObject({ settlementDelayS: 0, minWithdraw: 20_000_000n, feeNano: 10_000_000n, network: 'sandbox', explorerTxUrl: null });
    expect(first.totals.withdrawable).toBe(0n);
    expect((await call('POST', '/api/owner/payouts', token, { idempotencyKey: 'no-wallet-yet' })).json()).toMatchObject({ error: { code: 'owner.no_payout_wallet' } });
    expect((await call('PATCH', '/api/owner/settings', token, { notifications: false })).statusCode).toBe(409);

    const wallet = await sandbox.createTestWallet({ version: 'v5r1', balance: toNano('1') });
    const payload = await newPayload(token);
    const forged = await call('POST', '/api/owner/payout-wallet', token, connectRequest(wallet, payload, { secretKey: (await sandbox.createTestWallet({ version: 'v4', balance: 0n, deploy: false })).keyPair.secretKey }));
    expect(forged.json()).toMatchObject({ error: { code: 'ton.proof_invalid' } });
    const proved = await call('POST', '/api/owner/payout-wallet', token, connectRequest(wallet, payload));
    expect(proved.statusCode, proved.body).toBe(200);
    expect(OwnerResponseSchema.parse(proved.json()).owner).toMatchObject({ payoutAddress: wallet.address.toRawString(), payoutFriendly: wallet.address.toString({ urlSafe: true, bounceable: false }), notifications: true });
    const reused = await call('POST', '/api/owner/payout-wallet', token, connectRequest(wallet, payload));
    expect(reused.json()).toMatchObject({ error: { code: 'ton.proof_payload_used' } });

    const hostId = await earn(userId, 50_000_000n);
    const owner = OwnerResponseSchema.parse((await call('GET', '/api/owner', token)).json());
    expect(owner.totals).toMatchObject({ withdrawable: 50_000_000n, pending: 0n, promotional: 0n });
    const quote = PayoutQuoteSchema.parse((await call('GET', '/api/owner/payouts/quote?amount=40000000', token)).json());
    expect(quote).toEqual({ amount: 40_000_000n, valueNano: toNano('0.39'), feeNano: 10_000_000n });
    expect(PayoutQuoteSchema.parse((await call('GET', '/api/owner/payouts/quote', token)).json()).amount).toBe(50_000_000n);
    expect((await call('GET', '/api/owner/payouts/quote?amount=19999999', token)).json()).toMatchObject({ error: { code: 'payout.below_minimum' } });
    expect((await call('GET', '/api/owner/payouts/quote?amount=-1', token)).statusCode).toBe(400);
    expect((await call('POST', '/api/owner/payouts', token, { amount: '19999999', idempotencyKey: 'too-small-1' })).json()).toMatchObject({ error: { code: 'payout.below_minimum' } });
    const short = await call('POST', '/api/owner/payouts', token, { amount: '50000001', idempotencyKey: 'too-much-1' });
    expect(short.statusCode).toBe(402);
    expect(short.json()).toMatchObject({ error: { code: 'payout.insufficient' } });

    const before = (await sandbox.network.account(wallet.address)).balance;
    const posted = await call('POST', '/api/owner/payouts', token, { amount: '40000000', idempotencyKey: 'withdraw-1' });
    expect(posted.statusCode, posted.body).toBe(200);
    const [payout] = PayoutsResponseSchema.parse(posted.json()).payouts;
    expect(payout).toMatchObject({ status: 'recorded', amount: 40_000_000n, valueNano: toNano('0.39'), address: wallet.address.toRawString() });
    const tapped = PayoutsResponseSchema.parse((await call('POST', '/api/owner/payouts', token, { amount: '40000000', idempotencyKey: 'withdraw-1' })).json());
    expect(tapped.payouts[0]!.id).toBe(payout!.id);

    const payouts = services().ton!.payouts!;
    await payouts.sender.sendOnce();
    await payouts.confirmer.pollOnce();
    const history = PayoutsResponseSchema.parse((await call('GET', '/api/owner/payouts', token)).json()).payouts;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ id: payout!.id, status: 'confirmed', txHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect((await sandbox.network.account(wallet.address)).balance).toBeGreaterThan(before + toNano('0.38'));
    const notice = t.dev.botApi()!.messages.find((m) => m.text.startsWith('💸 Payout of 0.39 TON sent'));
    expect(notice?.text).toContain(history[0]!.txHash!);
    expect(OwnerResponseSchema.parse((await call('GET', '/api/owner', token)).json()).totals).toMatchObject({ withdrawable: 10_000_000n, inFlight: 0n, paidOut: 40_000_000n });

    const days = EarningsResponseSchema.parse((await call('GET', '/api/owner/earnings?days=30', token)).json()).days;
    expect(days).toHaveLength(30);
    expect(days.at(-1)!.byMachine[hostId]).toBe(50_000_000n);
    expect((await call('GET', '/api/owner/earnings?days=5', token)).statusCode).toBe(400);
    expect(await services().ledger.sumOfBalances()).toBe(0n);
  });

  it('settings: notifications can be turned off', async () => {
    const { token } = await signIn(t.server);
    const wallet = await sandbox.createTestWallet({ version: 'v4', balance: 0n, deploy: false });
    expect((await call('POST', '/api/owner/payout-wallet', token, connectRequest(wallet, await newPayload(token)))).statusCode).toBe(200);
    const off = OwnerResponseSchema.parse((await call('PATCH', '/api/owner/settings', token, { notifications: false })).json());
    expect(off.owner?.notifications).toBe(false);
    expect((await call('PATCH', '/api/owner/settings', token, { notifications: 'no' })).statusCode).toBe(400);
  });
});

describe('the owner payout routes without TON', () => {
  let t: Built;
  beforeAll(async () => {
    t = buildTestServer();
    await t.server.app.ready();
  });
  afterAll(() => t.server.close());

  it('shows the totals, and payouts answer ton.unavailable', async () => {
    const { token } = await signIn(t.server);
    const headers = { authorization: `Bearer ${token}` };
    const owner = await t.server.app.inject({ method: 'GET', url: '/api/owner', headers });
    expect(OwnerResponseSchema.parse(owner.json())).toMatchObject({ owner: null, totals: { withdrawable: 0n } });
    const payout = await t.server.app.inject({ method: 'POST', url: '/api/owner/payouts', headers, payload: { idempotencyKey: 'no-ton-here' } });
    expect(payout.statusCode).toBe(503);
    expect(payout.json()).toMatchObject({ error: { code: 'ton.unavailable' } });
    expect((await t.server.app.inject({ method: 'GET', url: '/api/owner' })).statusCode).toBe(401);
  });
});
