import { Address, toNano } from '@ton/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import type { TonChain } from '../chain';
import { startSandboxChain, type SandboxChain, type SandboxWallet } from '@cocoon/dev/ton/sandbox-chain/index';
import { walletContract } from '../wallet-contracts';
import { createToncenterClient } from './client';

let sandbox: SandboxChain;
let chain: TonChain;
let alice: SandboxWallet;

beforeAll(async () => {
  sandbox = await startSandboxChain();
  chain = createToncenterClient({ baseUrl: sandbox.url });
  alice = await sandbox.createTestWallet({ version: 'v5r1', balance: toNano('50') });
});
afterAll(() => sandbox.close());

const service = () => sandbox.serviceWallet.address;

describe('the toncenter client against the sandbox chain server', () => {
  it('reads the masterchain head and account states', async () => {
    const mc = await chain.getMasterchainInfo();
    expect(mc.seqno).toBeGreaterThan(0);
    const info = await chain.getAddressInformation(service());
    expect(info.status).toBe('active');
    expect(info.balance).toBeGreaterThan(0n);
    expect(info.code).toBe(walletContract('v4', Buffer.alloc(32)).init.code.toBoc().toString('base64'));
    expect(info.lastTransaction?.hash).toMatch(/^[0-9a-f]{64}$/);
    const nobody = await chain.getAddressInformation(new Address(0, Buffer.alloc(32, 7)));
    expect(nobody).toEqual({ status: 'uninitialized', balance: 0n, code: null, data: null, lastTransaction: null, syncUtime: expect.any(Number) });
  });

  it('runs get_public_key and seqno, and reports exit code -13 for an account without code', async () => {
    const key = await chain.runGetMethod(alice.address, 'get_public_key', []);
    expect(key).toEqual({ exitCode: 0, stack: [BigInt('0x' + alice.keyPair.publicKey.toString('hex'))] });
    expect((await chain.runGetMethod(alice.address, 'seqno')).stack).toEqual([0n]);
    expect((await chain.runGetMethod(new Address(0, Buffer.alloc(32, 9)), 'get_public_key')).exitCode).toBe(-13);
  });

  it('sends a signed transfer and pages the transactions newest first with an inclusive lt/hash cursor', async () => {
    for (const [i, comment] of ['first', 'second', 'third'].entries()) {
      await chain.sendBoc(alice.transferBoc({ to: service(), value: toNano(String(i + 1)), comment, seqno: await alice.seqno() }));
    }
    const top = await chain.getTransactions(service(), { limit: 2 });
    expect(top.map((t) => t.inMessage?.type === 'internal' && t.inMessage.comment)).toEqual(['third', 'second']);
    const third = top[0]!;
    expect(third.inMessage).toMatchObject({ type: 'internal', value: toNano('3'), bounced: false });
    expect(third.inMessage?.type === 'internal' && third.inMessage.source.equals(alice.address)).toBe(true);
    expect(third.aborted).toBe(false);
    expect(top[0]!.lt).toBeGreaterThan(top[1]!.lt);

    const next = await chain.getTransactions(service(), { limit: 2, lt: top[1]!.lt, hash: top[1]!.hash });
    expect(next[0]?.hash).toBe(top[1]!.hash);
    expect(next[1]?.inMessage?.type === 'internal' && next[1].inMessage.comment).toBe('first');
    const above = await chain.getTransactions(service(), { limit: 10, toLt: next[1]!.lt });
    expect(above.map((t) => t.hash)).toEqual([top[0]!.hash, top[1]!.hash]);
  });

  it('rejects a replayed external message with ton.chain_rejected', async () => {
    const boc = alice.transferBoc({ to: service(), value: toNano('1'), comment: 'once', seqno: await alice.seqno() });
    await chain.sendBoc(boc);
    await expect(chain.sendBoc(boc)).rejects.toSatisfy((e) => isCocoonError(e, 'ton.chain_rejected'));
    await expect(chain.getTransactions(service(), { lt: 1n, hash: 'ab'.repeat(32) })).rejects.toSatisfy((e) => isCocoonError(e, 'ton.chain_rejected'));
  });
});

describe('the toncenter client against a misbehaving API', () => {
  let fake: FastifyInstance;
  let url: string;
  const seen: { apiKey?: string } = {};
  let answer: { status: number; body: unknown } = { status: 200, body: {} };

  beforeAll(async () => {
    fake = Fastify();
    fake.all('/api/v2/*', async (req, reply) => {
      seen.apiKey = req.headers['x-api-key'] as string | undefined;
      return reply.status(answer.status).send(answer.body);
    });
    url = `${await fake.listen({ port: 0, host: '127.0.0.1' })}/api/v2`;
  });
  afterAll(() => fake.close());

  it('sends the API key and types every failure', async () => {
    const client = createToncenterClient({ baseUrl: url, apiKey: 'k-123' });
    const code = async (status: number, body: unknown) => {
      answer = { status, body };
      return client.getMasterchainInfo().then(() => 'ok', (e: unknown) => (isCocoonError(e) ? e.code : String(e)));
    };
    expect(await code(429, { ok: false, error: 'Ratelimit exceed', code: 429 })).toBe('ton.chain_unavailable');
    expect(seen.apiKey).toBe('k-123');
    expect(await code(503, 'down')).toBe('ton.chain_unavailable');
    expect(await code(401, { ok: false, error: 'API key does not exist', code: 401 })).toBe('ton.chain_rejected');
    expect(await code(200, { ok: true, result: { last: 'nonsense' } })).toBe('ton.chain_malformed');
    expect(await code(200, '<html>')).toBe('ton.chain_malformed');
  });

  it('refuses a transaction whose BOC does not hash to its id', async () => {
    const real = await fetch(`${sandbox.url}/getTransactions?address=${service().toRawString()}&limit=1`).then((r) => r.json() as Promise<{ result: { transaction_id: { hash: string } }[] }>);
    real.result[0]!.transaction_id.hash = Buffer.alloc(32, 1).toString('base64');
    answer = { status: 200, body: real };
    const client = createToncenterClient({ baseUrl: url });
    await expect(client.getTransactions(service())).rejects.toSatisfy((e) => isCocoonError(e, 'ton.chain_malformed'));
  });

  it('reports an unreachable API as ton.chain_unavailable', async () => {
    const client = createToncenterClient({ baseUrl: 'http://127.0.0.1:9/api/v2', timeoutMs: 2000 });
    await expect(client.getMasterchainInfo()).rejects.toSatisfy((e) => isCocoonError(e, 'ton.chain_unavailable'));
  });
});
