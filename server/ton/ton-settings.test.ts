import { toNano } from '@ton/core';
import { describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import { loadConfig } from '../config';
import { signIn, startTestServer } from '../tests/support/test-server';
import { tonDepositInfo } from './deposit-info';
import { startSandboxChain } from '@cocoon/dev/ton/sandbox-chain/index';
import { proofDomains, tonMode } from './ton-settings';

const BOT_TOKEN = '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const SERVICE = 'EQDtFpEwcFAEcRe5mLVh2N6C0x-_hJEM7W61_JLnSF74p4q2';

describe('TON configuration', () => {
  it('has documented defaults and parses lists and money', () => {
    const c = loadConfig({ BOT_TOKEN, TON_PROOF_DOMAINS: ' app.example.com , localhost:* ', MICRO_CREDITS_PER_TON: '250000000' });
    expect(c).toMatchObject({ TON_POLL_INTERVAL_MS: 3000, TON_PROOF_MAX_AGE_S: 900, TON_PROOF_PAYLOAD_TTL_S: 900, MICRO_CREDITS_PER_TON: 250_000_000n });
    expect(c.TON_PROOF_DOMAINS).toEqual(['app.example.com', 'localhost:*']);
    expect(loadConfig({ BOT_TOKEN }).MICRO_CREDITS_PER_TON).toBe(100_000_000n);
  });

  it('needs TON_SERVICE_ADDRESS with TON_API_URL, and checks it is an address', () => {
    const fails = (env: Record<string, string>) => {
      try {
        loadConfig({ BOT_TOKEN, ...env });
        return '';
      } catch (e) {
        expect(isCocoonError(e, 'config.invalid')).toBe(true);
        return (e as Error).message;
      }
    };
    expect(fails({ TON_API_URL: 'https://toncenter.com/api/v2' })).toMatch(/TON_SERVICE_ADDRESS: required with TON_API_URL/);
    expect(fails({ TON_SERVICE_ADDRESS: 'not-an-address' })).toMatch(/TON_SERVICE_ADDRESS: expected a TON address/);
    expect(fails({ TON_NETWORK: 'devnet' })).toMatch(/TON_NETWORK/);
  });

  it('decides the mode: toncenter with a URL, the embedded sandbox in DEV_MODE or on request, otherwise off', () => {
    expect(tonMode(loadConfig({ BOT_TOKEN, TON_API_URL: 'https://testnet.toncenter.com/api/v2', TON_SERVICE_ADDRESS: SERVICE, TON_NETWORK: 'testnet' }))).toMatchObject({ kind: 'toncenter', network: 'testnet' });
    expect(tonMode(loadConfig({ BOT_TOKEN, TON_API_URL: 'https://toncenter.com/api/v2', TON_SERVICE_ADDRESS: SERVICE }))).toMatchObject({ kind: 'toncenter', network: 'mainnet' });
    expect(tonMode(loadConfig({ BOT_TOKEN, DEV_MODE: 'true' }))).toEqual({ kind: 'embedded', network: 'sandbox' });
    expect(tonMode(loadConfig({ BOT_TOKEN, TON_NETWORK: 'sandbox' }))).toEqual({ kind: 'embedded', network: 'sandbox' });
    expect(tonMode(loadConfig({ BOT_TOKEN }))).toEqual({ kind: 'off' });
  });

  it('allows the PUBLIC_URL host, plus localhost in DEV_MODE, unless TON_PROOF_DOMAINS says otherwise', () => {
    expect(proofDomains(loadConfig({ BOT_TOKEN, PUBLIC_URL: 'https://app.example.com' }))).toEqual(['app.example.com']);
    expect(proofDomains(loadConfig({ BOT_TOKEN, DEV_MODE: 'true' }))).toEqual(['localhost:*', '127.0.0.1:*']);
    expect(proofDomains(loadConfig({ BOT_TOKEN, DEV_MODE: 'true', TON_PROOF_DOMAINS: 'x.test' }))).toEqual(['x.test']);
  });
});

describe('a broker configured for toncenter (TON_API_URL), pointed at a separate sandbox chain', () => {
  it('watches TON_SERVICE_ADDRESS and credits a deposit there', async () => {
    const chain = await startSandboxChain();
    const t = await startTestServer({ TON_API_URL: chain.url, TON_SERVICE_ADDRESS: chain.serviceWallet.address.toString(), TON_NETWORK: 'testnet', TON_POLL_INTERVAL_MS: '100' });
    try {
      expect(t.server.services().ton?.sandbox).toBeNull();
      const { userId } = await signIn(t.server);
      const info = await tonDepositInfo(t.server.services(), userId);
      expect(info.serviceAddress).toBe(chain.serviceWallet.address.toString({ urlSafe: true, bounceable: true, testOnly: true }));
      const payer = await chain.createTestWallet({ version: 'v5r1', balance: toNano('10') });
      await chain.network.sendExternal(payer.transferBoc({ to: chain.serviceWallet.address, value: toNano('2'), comment: info.depositComment, seqno: await payer.seqno() }));
      const ledger = t.server.services().ledger;
      const deadline = Date.now() + 10_000;
      while ((await ledger.userFunds(userId)).balance === t.config.STARTER_CREDITS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect((await ledger.userFunds(userId)).balance).toBe(t.config.STARTER_CREDITS + 200_000_000n);
    } finally {
      await t.close();
      await chain.close();
    }
  });
});
