import { createHash } from 'node:crypto';
import { Address } from '@ton/core';
import { keyPairFromSeed, signVerify } from '@ton/crypto';
import { describe, expect, it } from 'vitest';
import { signTonProof, tonProofMessage } from './ton-proof';

const keys = keyPairFromSeed(Buffer.alloc(32, 7));
const address = Address.parse('0:' + 'ab'.repeat(32));
const sha = (b: Buffer) => createHash('sha256').update(b).digest();

describe('ton_proof', () => {
  it('lays the message out as the spec says, byte for byte', () => {
    const m = tonProofMessage(address, 'app.example', 0x0102030405, 'nonce-1');
    const expected = Buffer.concat([
      Buffer.from('ton-proof-item-v2/'),
      Buffer.from([0, 0, 0, 0]),
      Buffer.alloc(32, 0xab),
      Buffer.from([11, 0, 0, 0]),
      Buffer.from('app.example'),
      Buffer.from([5, 4, 3, 2, 1, 0, 0, 0]),
      Buffer.from('nonce-1'),
    ]);
    expect(m.equals(expected)).toBe(true);
  });

  it('writes a negative workchain big-endian', () => {
    const m = tonProofMessage(Address.parse('-1:' + '00'.repeat(32)), 'x', 0, '');
    expect([...m.subarray(18, 22)]).toEqual([0xff, 0xff, 0xff, 0xff]);
  });

  it('signs SHA-256(0xffff ++ "ton-connect" ++ SHA-256(message)) with the wallet key', async () => {
    const proof = await signTonProof({ address, domain: '127.0.0.1:5173', timestamp: 1_700_000_000, payload: 'p', secretKey: keys.secretKey });
    expect(proof.domain).toEqual({ lengthBytes: 14, value: '127.0.0.1:5173' });
    const message = tonProofMessage(address, '127.0.0.1:5173', 1_700_000_000, 'p');
    const digest = sha(Buffer.concat([Buffer.from([0xff, 0xff]), Buffer.from('ton-connect'), sha(message)]));
    expect(signVerify(digest, Buffer.from(proof.signature, 'base64'), keys.publicKey)).toBe(true);
    expect(signVerify(sha(message), Buffer.from(proof.signature, 'base64'), keys.publicKey)).toBe(false);
  });
});
