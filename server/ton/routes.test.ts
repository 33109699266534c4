import { randomBytes } from 'node:crypto';
import { Address, toNano } from '@ton/core';
import { keyPairFromSeed } from '@ton/crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TonProofPayloadResponseSchema, WalletResponseSchema } from '@cocoon/shared/protocol/payments';
import type { CocoonServer } from '../app';
import { tonProofPayloads, wallets } from '../db/schema';
import { connectRequest } from '../tests/support/ton';
import { buildTestServer, signIn } from '../tests/support/test-server';
import type { SandboxChain, SandboxWallet } from '@cocoon/dev/ton/sandbox-chain/index';
import type { TonConnectRequest } from './verify-connect';

let server: CocoonServer;
let sandbox: SandboxChain;

beforeAll(async () => {
  const built = buildTestServer({ TON_NETWORK: 'sandbox', TON_PROOF_DOMAINS: 'cocoon.test' });
  server = built.server;
  await server.app.ready();
  sandbox = built.dev.tonChain()!;
});
afterAll(() => server.close());

const call = (method: 'GET' | 'POST', url: string, token: string, payload?: unknown) =>
  server.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload: payload as object } : {}) });
const newPayload = async (token: string) => TonProofPayloadResponseSchema.parse((await call('GET', '/api/ton/proof-payload', token)).json()).payload;
const connect = (token: string, body: TonConnectRequest) => call('POST', '/api/ton/connect', token, body);
const walletOf = async (token: string) => WalletResponseSchema.parse((await call('GET', '/api/ton/wallet', token)).json()).wallet;

/** Signs in, proves `wallet` and checks what the broker recorded. */
async function proveAndCheck(wallet: SandboxWallet, opts: Parameters<typeof connectRequest>[2] = {}) {
  const { token } = await signIn(server);
  const res = await connect(token, connectRequest(wallet, await newPayload(token), opts));
  expect(res.statusCode, res.body).toBe(200);
  const expected = { address: wallet.address.toRawString(), friendly: wallet.address.toString({ urlSafe: true, bounceable: false }) };
  expect(res.json()).toEqual({ wallet: expected });
  expect(await walletOf(token)).toEqual(expected);
  const [row] = await server.services().database.db.select().from(wallets).where(eq(wallets.address, expected.address));
  expect(row?.publicKey).toBe(wallet.keyPair.publicKey.toString('hex'));
}

describe('ton_proof: wallets that prove themselves', () => {
  it('an undeployed v4 wallet, from its StateInit', async () => {
    await proveAndCheck(await sandbox.createTestWallet({ version: 'v4', balance: 0n, deploy: false }));
  });
  it('an undeployed v5r1 wallet, from its StateInit', async () => {
    await proveAndCheck(await sandbox.createTestWallet({ version: 'v5r1', balance: 0n, deploy: false }));
  });
  it('a deployed wallet that sends no StateInit, from get_public_key on the chain', async () => {
    await proveAndCheck(await sandbox.createTestWallet({ version: 'v4', balance: toNano('1') }), { withStateInit: false });
  });
  it('masterchain (-1) wallets: v4 deployed without StateInit, v5r1 from its StateInit', async () => {
    await proveAndCheck(await sandbox.createTestWallet({ version: 'v4', balance: toNano('5'), workchain: -1 }), { withStateInit: false });
    await proveAndCheck(await sandbox.createTestWallet({ version: 'v5r1', balance: 0n, workchain: -1, deploy: false }));
  });
});

describe('ton_proof: every bad proof is refused and changes nothing', () => {
  let token: string;
  let wallet: SandboxWallet;
  let payload: string;
  const unchanged = async () => {
    expect(await walletOf(token)).toBeNull();
    const [row] = await server.services().database.db.select().from(tonProofPayloads).where(eq(tonProofPayloads.payload, payload));
    expect(row?.usedAt).toBeNull();
  };
  const refused = async (body: TonConnectRequest, status: number, code: string) => {
    const res = await connect(token, body);
    expect({ status: res.statusCode, code: res.json().error?.code }).toEqual({ status, code });
    await unchanged();
  };

  beforeAll(async () => {
    ({ token } = await signIn(server));
    wallet = await sandbox.createTestWallet({ version: 'v4', balance: 0n, deploy: false });
    payload = await newPayload(token);
  });

  it('a forged signature, or a publicKey that is not the wallet’s', async () => {
    await refused(connectRequest(wallet, payload, { secretKey: keyPairFromSeed(randomBytes(32)).secretKey }), 400, 'ton.proof_invalid');
    await refused({ ...connectRequest(wallet, payload), publicKey: 'ab'.repeat(32) }, 400, 'ton.proof_invalid');
  });

  it('a timestamp too old or in the future', async () => {
    const now = Math.floor(Date.now() / 1000);
    await refused(connectRequest(wallet, payload, { timestamp: now - 901 }), 400, 'ton.proof_expired');
    await refused(connectRequest(wallet, payload, { timestamp: now + 600 }), 400, 'ton.proof_expired');
  });

  it('another domain, or a domain length that does not match', async () => {
    await refused(connectRequest(wallet, payload, { domain: 'evil.test' }), 400, 'ton.proof_domain');
    const body = connectRequest(wallet, payload);
    await refused({ ...body, proof: { ...body.proof, domain: { value: 'cocoon.test', lengthBytes: 12 } } }, 400, 'ton.proof_domain');
  });

  it('a StateInit that is not the address’s, a wallet without key, another network', async () => {
    const other = new Address(0, randomBytes(32));
    await refused(connectRequest(wallet, payload, { address: other }), 400, 'ton.address_mismatch');
    await refused(connectRequest(wallet, payload, { withStateInit: false }), 400, 'ton.wallet_unsupported');
    await refused(connectRequest(wallet, payload, { network: '-1' }), 400, 'ton.network_mismatch');
  });

  it('a payload we never issued, or issued to another session', async () => {
    await refused(connectRequest(wallet, randomBytes(32).toString('hex')), 400, 'ton.proof_payload_unknown');
    const { token: otherToken } = await signIn(server);
    await refused(connectRequest(wallet, await newPayload(otherToken)), 400, 'ton.proof_payload_unknown');
  });

  it('an expired payload', async () => {
    const stale = await newPayload(token);
    await server.services().database.db.update(tonProofPayloads).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(tonProofPayloads.payload, stale));
    await refused(connectRequest(wallet, stale), 400, 'ton.proof_expired');
  });

  it('after all that, the payload still works once, and a reused payload is refused', async () => {
    expect((await connect(token, connectRequest(wallet, payload))).statusCode).toBe(200);
    const second = await sandbox.createTestWallet({ version: 'v5r1', balance: 0n, deploy: false });
    const res = await connect(token, connectRequest(second, payload));
    expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 409, code: 'ton.proof_payload_used' });
    expect((await walletOf(token))?.address).toBe(wallet.address.toRawString());
  });

  it('needs a session', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/ton/proof-payload' });
    expect(res.statusCode).toBe(401);
  });
});

describe('ton_proof: proving a second wallet replaces the first', () => {
  it('keeps one wallet per user', async () => {
    const { token } = await signIn(server);
    const [a, b] = [await sandbox.createTestWallet({ version: 'v4', balance: 0n, deploy: false }), await sandbox.createTestWallet({ version: 'v5r1', balance: 0n, deploy: false })];
    expect((await connect(token, connectRequest(a, await newPayload(token)))).statusCode).toBe(200);
    expect((await connect(token, connectRequest(b, await newPayload(token)))).statusCode).toBe(200);
    expect((await walletOf(token))?.address).toBe(b.address.toRawString());
    expect(await server.services().database.db.select().from(wallets).where(eq(wallets.address, a.address.toRawString()))).toEqual([]);
  });
});

describe('a broker without TON', () => {
  it('runs, and answers the TON routes with ton.unavailable', async () => {
    const { server: plain } = buildTestServer();
    await plain.app.ready();
    try {
      expect(plain.services().ton).toBeNull();
      const { token } = await signIn(plain);
      const res = await plain.app.inject({ method: 'GET', url: '/api/ton/proof-payload', headers: { authorization: `Bearer ${token}` } });
      expect({ status: res.statusCode, code: res.json().error.code }).toEqual({ status: 503, code: 'ton.unavailable' });
    } finally {
      await plain.close();
    }
  });
});
