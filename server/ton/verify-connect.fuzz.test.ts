import { beginCell, contractAddress, storeStateInit } from '@ton/core';
import { keyPairFromSeed } from '@ton/crypto';
import { WalletContractV4 } from '@ton/ton';
import { describe, expect, it } from 'vitest';
import { assertFuzz } from '@cocoon/shared/testing/fuzz/harness';
import { signTonProof } from '../tests/support/ton';
import { serverTargets } from '../tests/fuzz/server-targets';
import type { TonChain } from './chain';
import { verifyConnect, type TonConnectRequest } from './verify-connect';

const target = serverTargets.find((t) => t.name === 'server.ton-proof')!;

describe('fuzz: TonConnect ton_proof on the recorded wallet proofs, fixed seed', () => {
  it(`${target.name}: ${target.testRuns} inputs (full signature checks), typed rejections only, no altered proof verifies`, () => assertFuzz(target), 60_000);
});

const noChain = {} as TonChain;
const policy = { network: 'mainnet' as const, domains: ['cocoon.test'], maxAgeS: 900 };
const at = new Date(1_767_225_600_000);
const timestamp = at.getTime() / 1000;
const keys = keyPairFromSeed(Buffer.alloc(32, 7));

function proof(init: { code: import('@ton/core').Cell; data: import('@ton/core').Cell }): TonConnectRequest {
  const address = contractAddress(0, init);
  const domain = 'cocoon.test';
  return {
    address: address.toRawString(),
    network: '-239',
    walletStateInit: beginCell().store(storeStateInit(init)).endCell().toBoc().toString('base64'),
    proof: { timestamp, domain: { lengthBytes: domain.length, value: domain }, payload: 'p', signature: signTonProof(keys.secretKey, { address, domain, timestamp, payload: 'p' }) },
  };
}

describe('fuzz findings: ton_proof', () => {
  it('server.ton-proof: a StateInit with wallet v4 code and an empty data cell is ton.proof_invalid (reading the key threw a plain Error: 500)', async () => {
    const init = { code: WalletContractV4.create({ workchain: 0, publicKey: keys.publicKey }).init.code, data: beginCell().endCell() };
    await expect(verifyConnect(proof(init), { chain: noChain, policy, now: at })).rejects.toMatchObject({ code: 'ton.proof_invalid' });
  });

  it('server.ton-proof: a signature with a stray character is ton.proof_invalid (Buffer skipped it and the proof verified)', async () => {
    const good = proof(WalletContractV4.create({ workchain: 0, publicKey: keys.publicKey }).init);
    await expect(verifyConnect(good, { chain: noChain, policy, now: at })).resolves.toMatchObject({ publicKey: keys.publicKey });
    const stray = { ...good, proof: { ...good.proof, signature: `!${good.proof.signature}` } };
    await expect(verifyConnect(stray, { chain: noChain, policy, now: at })).rejects.toMatchObject({ code: 'ton.proof_invalid' });
  });
});
