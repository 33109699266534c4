import { createHash } from 'node:crypto';
import { Cell, loadMessage, loadMessageRelaxed, toNano } from '@ton/core';
import { keyPairFromSeed, signVerify } from '@ton/crypto';
import { WalletContractV4 } from '@ton/ton/dist/wallets/WalletContractV4';
import { describe, expect, it, vi } from 'vitest';
import { commentPayload } from '../comment-payload';
import { createTestWalletBridge } from './bridge';
import type { DevTestWallet } from './dev-api';
import { tonProofMessage } from './ton-proof';

const keys = keyPairFromSeed(Buffer.alloc(32, 3));
const contract = WalletContractV4.create({ workchain: 0, publicKey: keys.publicKey });
const wallet: DevTestWallet = {
  version: 'v4',
  secretKeyHex: keys.secretKey.toString('hex'),
  seedHex: keys.secretKey.subarray(0, 32).toString('hex'),
  publicKeyHex: keys.publicKey.toString('hex'),
  address: contract.address.toRawString(),
  friendly: contract.address.toString({ bounceable: false }),
  walletStateInit: '',
  chain: '-239',
  seqno: 5,
  balance: 10_000_000_000n,
};
const service = WalletContractV4.create({ workchain: 0, publicKey: Buffer.alloc(32, 9) }).address;
const sha = (b: Buffer) => createHash('sha256').update(b).digest();

function setup(data: DevTestWallet = wallet) {
  const store = new Map<string, string>();
  const sendBoc = vi.fn(async (_boc: string) => {});
  const bridge = createTestWalletBridge({
    api: { wallet: async () => data, sendBoc },
    storage: { getItem: (k) => store.get(k) ?? null, setItem: (k, v) => void store.set(k, v), removeItem: (k) => void store.delete(k) },
    domain: () => 'app.example:8080',
    now: () => 1_700_000_000,
  });
  return { bridge, sendBoc, store };
}

describe('the injected test wallet', () => {
  it('connects with its address, StateInit and a ton_proof that verifies to the spec', async () => {
    const { bridge } = setup();
    const event = await bridge.connect(2, { manifestUrl: 'http://app.example:8080/tonconnect-manifest.json', items: [{ name: 'ton_addr' }, { name: 'ton_proof', payload: 'nonce-42' }] });
    expect(event.event).toBe('connect');
    if (event.event !== 'connect') return;
    const [addr, proofItem] = event.payload.items as [Record<string, string>, { proof: { signature: string; timestamp: number; payload: string } }];
    expect(addr).toMatchObject({ name: 'ton_addr', address: wallet.address, publicKey: wallet.publicKeyHex, network: '-239' });
    expect(Cell.fromBase64(addr.walletStateInit!).hash().length).toBe(32);
    const { proof } = proofItem;
    expect(proof).toMatchObject({ timestamp: 1_700_000_000, payload: 'nonce-42', domain: { value: 'app.example:8080', lengthBytes: 16 } });
    const message = tonProofMessage(contract.address, 'app.example:8080', proof.timestamp, proof.payload);
    const digest = sha(Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.from('ton-connect'), sha(message)]));
    expect(signVerify(digest, Buffer.from(proof.signature, 'base64'), keys.publicKey)).toBe(true);
  });

  it('restores only a connection it made, to the same wallet', async () => {
    const { bridge } = setup();
    expect((await bridge.restoreConnection()).event).toBe('connect_error');
    await bridge.connect(2, { manifestUrl: '', items: [{ name: 'ton_addr' }] });
    const restored = await bridge.restoreConnection();
    expect(restored.event).toBe('connect');
    bridge.disconnect();
    expect((await bridge.restoreConnection()).event).toBe('connect_error');
  });

  it('signs a wallet v4 transfer with the comment payload and hands it to the dev broker', async () => {
    const { bridge, sendBoc } = setup();
    const tx = { valid_until: 1_700_000_300, messages: [{ address: service.toString(), amount: toNano('0.5').toString(), payload: commentPayload('cocoon-abc') }] };
    const res = await bridge.send({ method: 'sendTransaction', params: [JSON.stringify(tx)], id: '7' });
    expect(res).toMatchObject({ id: '7' });
    if (!('result' in res)) throw new Error(res.error.message);
    expect(sendBoc).toHaveBeenCalledWith(res.result);

    const ext = loadMessage(Cell.fromBase64(res.result as string).beginParse());
    expect(ext.info.type).toBe('external-in');
    expect(ext.info.dest?.toString()).toBe(contract.address.toString());
    expect(ext.init).toBeFalsy();
    const body = ext.body.beginParse();
    const signature = body.loadBuffer(64);
    expect(signVerify(body.asCell().hash(), signature, keys.publicKey)).toBe(true);
    expect(body.loadUint(32)).toBe(698983191); // wallet_id
    expect(body.loadUint(32)).toBe(1_700_000_300); // valid until
    expect(body.loadUint(32)).toBe(5); // seqno
    expect(body.loadUint(8)).toBe(0); // op: simple send
    expect(body.loadUint(8)).toBe(3); // pay fees separately, ignore errors
    const out = loadMessageRelaxed(body.loadRef().beginParse());
    expect(out.info.type === 'internal' && out.info.value.coins).toBe(toNano('0.5'));
    expect(out.info.dest?.toString()).toBe(service.toString());
    const comment = out.body.beginParse();
    expect([comment.loadUint(32), comment.loadStringTail()]).toEqual([0, 'cocoon-abc']);
  });

  it('deploys itself with the first transfer', async () => {
    const { bridge } = setup({ ...wallet, seqno: 0 });
    const tx = { messages: [{ address: service.toRawString(), amount: '1000' }] };
    const res = await bridge.send({ method: 'sendTransaction', params: [JSON.stringify(tx)], id: '1' });
    if (!('result' in res)) throw new Error(res.error.message);
    expect(loadMessage(Cell.fromBase64(res.result as string).beginParse()).init).toBeTruthy();
  });

  it('refuses what a wallet refuses: expired, malformed, unknown methods', async () => {
    const { bridge, sendBoc } = setup();
    const expired = { valid_until: 1, messages: [{ address: service.toRawString(), amount: '1' }] };
    expect(await bridge.send({ method: 'sendTransaction', params: [JSON.stringify(expired)], id: '1' })).toMatchObject({ error: { code: 1 } });
    expect(await bridge.send({ method: 'sendTransaction', params: ['{"messages":[]}'], id: '2' })).toMatchObject({ error: { code: 1 } });
    expect(await bridge.send({ method: 'signData', params: [], id: '3' })).toMatchObject({ error: { code: 400 } });
    expect(sendBoc).not.toHaveBeenCalled();
  });

  it('refuses a key that does not match the address it claims', async () => {
    const { bridge } = setup({ ...wallet, address: service.toRawString() });
    expect(await bridge.connect(2, { manifestUrl: '', items: [{ name: 'ton_addr' }] })).toMatchObject({ event: 'connect_error' });
  });
});
