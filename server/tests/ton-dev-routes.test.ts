import { beginCell, external, internal, SendMode, storeMessage, toNano, Address } from '@ton/core';
import { WalletContractV4 } from '@ton/ton';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorResponseSchema, MeResponseSchema } from '@cocoon/shared/protocol/api';
import { CreditsResponseSchema, TonProofPayloadResponseSchema, WalletResponseSchema } from '@cocoon/shared/protocol/payments';
import { DevTonSendBocResponseSchema, DevTonTestWalletResponseSchema } from '@cocoon/shared/protocol/ton-dev';
import { signTonProof } from './support/ton';
import { buildTestServer, signIn, startTestServer, type TestServer } from './support/test-server';
import { tonDepositInfo } from '../ton/deposit-info';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ DEV_MODE: 'true' });
});
afterAll(() => t.close());

const getJson = async (path: string, token?: string): Promise<unknown> => (await fetch(`${t.url}${path}`, token ? { headers: { authorization: `Bearer ${token}` } } : {})).json();
const postJson = async (path: string, body: unknown, token?: string) =>
  fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: JSON.stringify(body) });

/** What the web app's injected wallet does: a v4 transfer signed with the handed-out key. */
function transferBoc(w: { secretKeyHex: string; publicKeyHex: string; seqno: number }, to: Address, value: bigint, comment: string): string {
  const wallet = WalletContractV4.create({ workchain: 0, publicKey: Buffer.from(w.publicKeyHex, 'hex') });
  const body = wallet.createTransfer({ seqno: w.seqno, secretKey: Buffer.from(w.secretKeyHex, 'hex'), sendMode: SendMode.PAY_GAS_SEPARATELY, messages: [internal({ to, value, body: comment })] });
  return beginCell().store(storeMessage(external({ to: wallet.address, body }))).endCell().toBoc().toString('base64');
}

describe('DEV_MODE TON helpers on the embedded sandbox chain', () => {
  it('hand out a funded, deployed v4 test wallet whose key matches its address', async () => {
    const w = DevTonTestWalletResponseSchema.parse(await getJson('/api/dev/ton/test-wallet'));
    const contract = WalletContractV4.create({ workchain: 0, publicKey: Buffer.from(w.publicKeyHex, 'hex') });
    expect(w.address).toBe(contract.address.toRawString());
    expect(w.friendly).toBe(contract.address.toString({ urlSafe: true, bounceable: false }));
    expect(w.secretKeyHex).toBe(w.seedHex + w.publicKeyHex);
    expect(BigInt(w.balance)).toBeGreaterThan(toNano('99'));
    expect(DevTonTestWalletResponseSchema.parse(await getJson('/api/dev/ton/test-wallet')).address).toBe(w.address);
  });

  it('a deposit sent through send-boc with the user’s comment is credited within a poll', async () => {
    const { token, userId } = await signIn(t.server);
    const credits = CreditsResponseSchema.parse(await getJson('/api/credits', token));
    const ton = await tonDepositInfo(t.server.services(), userId);
    expect(credits.ton).toEqual(ton);
    expect(ton).toMatchObject({ network: 'sandbox', microCreditsPerTon: 100_000_000n, depositComment: expect.stringMatching(/^cocoon-[a-z2-7]{10}$/) });
    const before = MeResponseSchema.parse(await getJson('/api/me', token)).balance;
    const w = DevTonTestWalletResponseSchema.parse(await getJson('/api/dev/ton/test-wallet'));
    const started = Date.now();
    const res = await postJson('/api/dev/ton/send-boc', { boc: transferBoc(w, Address.parse(ton.serviceAddress), toNano('1.5'), ton.depositComment) });
    expect(res.status).toBe(200);
    DevTonSendBocResponseSchema.parse(await res.json());
    let balance = before;
    while (balance === before && Date.now() - started < 10_000) {
      await new Promise((r) => setTimeout(r, 50));
      balance = MeResponseSchema.parse(await getJson('/api/me', token)).balance;
    }
    expect(balance - before).toBe(150_000_000n);
    expect(DevTonTestWalletResponseSchema.parse(await getJson('/api/dev/ton/test-wallet')).seqno).toBe(w.seqno + 1);
  });

  it('a replayed BOC is refused by the chain', async () => {
    const w = DevTonTestWalletResponseSchema.parse(await getJson('/api/dev/ton/test-wallet'));
    const boc = transferBoc(w, Address.parse(w.address), 1n, 'self');
    expect((await postJson('/api/dev/ton/send-boc', { boc })).status).toBe(200);
    const again = await postJson('/api/dev/ton/send-boc', { boc });
    expect({ status: again.status, code: ErrorResponseSchema.parse(await again.json()).error.code }).toEqual({ status: 502, code: 'ton.chain_rejected' });
  });

  it('the test wallet proves itself for the dev host (localhost and 127.0.0.1 on any port)', async () => {
    const { token } = await signIn(t.server);
    const w = DevTonTestWalletResponseSchema.parse(await getJson('/api/dev/ton/test-wallet'));
    const { payload } = TonProofPayloadResponseSchema.parse(await getJson('/api/ton/proof-payload', token));
    const domain = new URL(t.url).host;
    const timestamp = Math.floor(Date.now() / 1000);
    const signature = signTonProof(Buffer.from(w.secretKeyHex, 'hex'), { address: Address.parse(w.address), domain, timestamp, payload });
    const body = { address: w.address, network: w.chain, publicKey: w.publicKeyHex, walletStateInit: w.walletStateInit, proof: { timestamp, domain: { lengthBytes: domain.length, value: domain }, payload, signature } };
    const res = await postJson('/api/ton/connect', body, token);
    expect(res.status).toBe(200);
    expect(WalletResponseSchema.parse(await res.json()).wallet?.address).toBe(w.address);
  });
});

describe('without DEV_MODE', () => {
  it('there are no /api/dev/ton routes', async () => {
    const { server } = buildTestServer({ TON_NETWORK: 'sandbox' });
    try {
      expect((await server.app.inject('/api/dev/ton/test-wallet')).statusCode).toBe(404);
      expect((await server.app.inject({ method: 'POST', url: '/api/dev/ton/send-boc', payload: { boc: 'x' } })).statusCode).toBe(404);
    } finally {
      await server.close();
    }
  });
});
