import { readFileSync } from 'node:fs';
import { Address } from '@ton/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { isCocoonError } from '@cocoon/shared/errors';
import type { TonChain } from './chain';
import { domainAllowed, tonProofMessage, verifyTonProofSignature } from './ton-proof';
import { verifyConnect, type ProofPolicy } from './verify-connect';
import { decodeStateInit, parseWalletStateInit, stateInitMatches } from './wallet-contracts';

const VectorsSchema = z.object({
  vectors: z.array(
    z.object({
      name: z.string(),
      address: z.string(),
      network: z.enum(['-239', '-3']),
      publicKey: z.string(),
      walletVersion: z.enum(['v3r1', 'v4']).nullable(),
      timestamp: z.number().int(),
      domain: z.object({ lengthBytes: z.number().int(), value: z.string() }),
      signature: z.string(),
      payload: z.string(),
      walletStateInit: z.string(),
    }),
  ),
});
const vectors = VectorsSchema.parse(JSON.parse(readFileSync(new URL('./test-vectors/ton-proof.json', import.meta.url), 'utf8')));

/** A chain that must not be asked: the StateInit alone must settle these. */
const noChain = new Proxy({} as TonChain, {
  get: () => () => Promise.reject(new Error('the chain was asked')),
});

describe('the ton_proof message', () => {
  it('is laid out as the TonConnect spec says', () => {
    const address = new Address(-1, Buffer.alloc(32, 0xab));
    const msg = tonProofMessage({ address, domain: 'ex.io', timestamp: 0x0102030405, payload: 'p1' });
    const expected = Buffer.concat([
      Buffer.from('ton-proof-item-v2/'),
      Buffer.from('ffffffff', 'hex'), // workchain -1, int32 big-endian
      Buffer.alloc(32, 0xab),
      Buffer.from('05000000', 'hex'), // domain length, uint32 little-endian
      Buffer.from('ex.io'),
      Buffer.from('0504030201000000', 'hex'), // timestamp, uint64 little-endian
      Buffer.from('p1'),
    ]);
    expect(msg.toString('hex')).toBe(expected.toString('hex'));
  });
});

describe.each(vectors.vectors)('a real wallet proof: $name', (v) => {
  const address = Address.parse(v.address);
  const input = { address, domain: v.domain.value, timestamp: v.timestamp, payload: v.payload };
  const publicKey = Buffer.from(v.publicKey, 'hex');
  const signature = Buffer.from(v.signature, 'base64');

  it('has a StateInit that hashes to the address and declares the key', () => {
    const init = decodeStateInit(v.walletStateInit);
    expect(stateInitMatches(init, address)).toBe(true);
    const parsed = parseWalletStateInit(init);
    expect(parsed && { version: parsed.version, key: parsed.publicKey.toString('hex') }).toEqual(v.walletVersion ? { version: v.walletVersion, key: v.publicKey } : null);
  });

  it('verifies, and fails when any signed field changes', () => {
    expect(verifyTonProofSignature(publicKey, signature, input)).toBe(true);
    const forged = Buffer.from(signature);
    forged[10]! ^= 1;
    expect(verifyTonProofSignature(publicKey, forged, input)).toBe(false);
    expect(verifyTonProofSignature(publicKey, signature, { ...input, payload: input.payload + 'x' })).toBe(false);
    expect(verifyTonProofSignature(publicKey, signature, { ...input, timestamp: input.timestamp + 1 })).toBe(false);
    expect(verifyTonProofSignature(publicKey, signature, { ...input, domain: 'evil.example' })).toBe(false);
    expect(verifyTonProofSignature(publicKey, signature, { ...input, address: new Address(address.workChain === 0 ? -1 : 0, address.hash) })).toBe(false);
  });

  it('passes verifyConnect at its own time (from the StateInit, or get_public_key for an unknown layout)', async () => {
    const policy: ProofPolicy = { network: v.network === '-239' ? 'mainnet' : 'testnet', domains: ['winogarcia.github.io'], maxAgeS: 300 };
    const keyChain = { runGetMethod: async () => ({ exitCode: 0, stack: [BigInt('0x' + v.publicKey)] }) } as unknown as TonChain;
    const req = { address: v.address, network: v.network, walletStateInit: v.walletStateInit, proof: { timestamp: v.timestamp, domain: v.domain, payload: v.payload, signature: v.signature } };
    const wallet = await verifyConnect(req, { chain: v.walletVersion ? noChain : keyChain, policy, now: new Date(v.timestamp * 1000 + 5000) });
    expect(wallet.publicKey.toString('hex')).toBe(v.publicKey);
    const late = verifyConnect(req, { chain: keyChain, policy, now: new Date((v.timestamp + 400) * 1000) });
    await expect(late).rejects.toSatisfy((e) => isCocoonError(e, 'ton.proof_expired'));
  });
});

describe('domainAllowed', () => {
  it('matches exactly, ignoring case, with host:* for any port', () => {
    expect(domainAllowed('App.Example.com', ['app.example.com'])).toBe(true);
    expect(domainAllowed('app.example.com:8443', ['app.example.com'])).toBe(false);
    expect(domainAllowed('localhost:5173', ['localhost:*'])).toBe(true);
    expect(domainAllowed('localhost', ['localhost:*'])).toBe(true);
    expect(domainAllowed('localhost.evil.com', ['localhost:*'])).toBe(false);
    expect(domainAllowed('localhost:80x', ['localhost:*'])).toBe(false);
  });
});
