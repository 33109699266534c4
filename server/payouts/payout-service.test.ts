import { toNano } from '@ton/core';
import { mnemonicNew, mnemonicToPrivateKey } from '@ton/crypto';
import type { FastifyBaseLogger } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import { startSandboxChain, type SandboxChain } from '@cocoon/dev/ton/sandbox-chain/index';
import { Ledger } from '../ledger/ledger';
import { openTestDatabase, type TestDatabase } from '../tests/support/test-db';
import { testConfig } from '../tests/support/test-server';
import { createToncenterClient } from '../ton/toncenter/client';
import { openTon } from '../ton/ton-service';
import { walletContract } from '../ton/wallet-contracts';
import { payoutKeyFromMnemonic, PayoutWallet } from './payout-wallet';

const log = pino({ level: 'silent' }) as unknown as FastifyBaseLogger;

const configError = (env: Record<string, string>): string => {
  try {
    testConfig(env);
    return 'accepted';
  } catch (e) {
    return isCocoonError(e, 'config.invalid') ? e.message : String(e);
  }
};

describe('payout configuration', () => {
  let words: string[];
  beforeAll(async () => {
    words = await mnemonicNew(24);
  });

  it('PAYOUT_WALLET_SECRET is 24 words; PAYOUT_MIN must be worth more than the fee', () => {
    expect(configError({ PAYOUT_WALLET_SECRET: 'abandon '.repeat(11).trim() })).toMatch(/PAYOUT_WALLET_SECRET: expected the 24 words/);
    expect(configError({ PAYOUT_WALLET_SECRET: `${'a1 '.repeat(23)}a1` })).toMatch(/PAYOUT_WALLET_SECRET/);
    expect(configError({ PAYOUT_MIN: '1000000', PAYOUT_FEE_NANO: '10000000' })).toMatch(/PAYOUT_MIN: must be worth more than PAYOUT_FEE_NANO/);
    expect(configError({ PAYOUT_VALID_FOR_S: '5' })).toMatch(/PAYOUT_VALID_FOR_S/);
    expect(testConfig({ PAYOUT_WALLET_SECRET: ` ${words.join('  ')} ` }).PAYOUT_WALLET_SECRET).toEqual(words);
    expect(testConfig()).toMatchObject({ SETTLEMENT_DELAY_S: 86_400, PAYOUT_MIN: 10_000_000n, PAYOUT_FEE_NANO: 10_000_000n, PAYOUT_VALID_FOR_S: 60 });
  });

  it('the key is the one wallet apps derive from the mnemonic; words that are not a mnemonic are refused', async () => {
    const key = await payoutKeyFromMnemonic(words);
    expect(key.publicKey).toEqual((await mnemonicToPrivateKey(words)).publicKey);
    const err = await payoutKeyFromMnemonic([...words.slice(0, 23), 'qqqq']).catch((e: unknown) => e);
    expect(isCocoonError(err, 'config.invalid')).toBe(true);
  });

  it('the address is W5 as wallet apps show it: the mainnet wallet id on mainnet and sandbox, the testnet one on testnet', async () => {
    const key = await payoutKeyFromMnemonic(words);
    const chain = createToncenterClient({ baseUrl: 'http://127.0.0.1:9/api/v2' });
    const main = new PayoutWallet(key, 'mainnet', chain).address;
    expect(main.equals(walletContract('v5r1', key.publicKey).address)).toBe(true);
    expect(new PayoutWallet(key, 'sandbox', chain).address.equals(main)).toBe(true);
    expect(new PayoutWallet(key, 'testnet', chain).address.equals(main)).toBe(false);
  });
});

describe('payouts against a toncenter API (the sandbox chain served as one)', () => {
  let sandbox: SandboxChain;
  let database: TestDatabase;
  beforeAll(async () => {
    sandbox = await startSandboxChain();
    database = await openTestDatabase('pglite');
  });
  afterAll(async () => {
    await sandbox?.close();
    await database?.close();
  });

  const open = (env: Record<string, string>) =>
    openTon(testConfig({ TON_API_URL: sandbox.url, TON_SERVICE_ADDRESS: sandbox.serviceWallet.address.toString(), TON_NETWORK: 'testnet', TON_POLL_INTERVAL_MS: '60000', ...env }), {
      db: database.db,
      ledger: new Ledger(database.db, { commissionBps: 500 }),
      log,
    });

  it('are off without PAYOUT_WALLET_SECRET, and on with it, from the wallet its mnemonic names', async () => {
    const off = await open({});
    expect(off?.payouts).toBeNull();
    await off?.close();
    const words = await mnemonicNew(24);
    const on = await open({ PAYOUT_WALLET_SECRET: words.join(' ') });
    try {
      const key = await mnemonicToPrivateKey(words);
      expect(on?.payouts?.wallet.address.equals(new PayoutWallet(key, 'testnet', on.chain).address)).toBe(true);
      await sandbox.network.fund(on!.payouts!.wallet.address, toNano('2'));
      expect(await on!.payouts!.wallet.state()).toMatchObject({ active: false, seqno: 0, balance: toNano('2') });
    } finally {
      await on?.close();
    }
  });
});
