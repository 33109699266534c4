import { beforeAll, describe, expect, it } from 'vitest';
import { b64uBytes, B64uSchema, fromB64u, fromHex } from '../../protocol/encoding';
import { decodeChunkFrame, encodeChunkFrame } from '../../protocol/chunk-frame';
import { ClientToBrokerSchema, HostToBrokerSchema } from '../../protocol/ws-messages';
import { assertFuzz, type FuzzTarget } from './harness';
import { protocolSamples, type ProtocolSamples } from './protocol-samples';
import { protocolTargets } from './protocol-targets';

const targets = await protocolTargets();

describe('fuzz: wire messages, their decoding, and the encodings, fixed seed', () => {
  for (const t of targets as FuzzTarget[]) it(`${t.name}: ${t.testRuns} inputs, no crash, nothing schema-valid fails to decode, no altered input accepted`, () => assertFuzz(t), 60_000);
});

describe('fuzz findings: schema-valid but undecodable', () => {
  let s: ProtocolSamples;
  beforeAll(async () => {
    s = await protocolSamples();
  });
  const malformed = expect.objectContaining({ code: 'protocol.malformed_message' });

  it('protocol.encoding: base64url of length 1 mod 4 (no byte string has one) fails the schema, and fromB64u says protocol.malformed_message', () => {
    expect(B64uSchema.safeParse('AAAAA').success).toBe(false);
    expect(() => fromB64u('AAAAA')).toThrow(malformed);
  });

  it('protocol.encoding: base64url with stray bits in its last character fails the schema (one byte string, one encoding)', () => {
    expect([B64uSchema.safeParse('AQ').success, B64uSchema.safeParse('AR').success, B64uSchema.safeParse('AAF').success]).toEqual([true, false, false]);
    expect(b64uBytes(1).safeParse('AR').success).toBe(false);
    expect(() => fromB64u('AR')).toThrow(malformed);
  });

  it('protocol.encoding: hex of odd length or with a non-hex character is protocol.malformed_message, not a TypeError', () => {
    expect(() => fromHex('abc')).toThrow(malformed);
    expect(() => fromHex('zz')).toThrow(malformed);
  });

  it('protocol.ws.client-to-broker: job.create whose ciphertext is 1 mod 4 long fails the schema (the relay answered internal)', () => {
    const create = s.clientToBroker.find((m) => m.type === 'job.create')!;
    if (create.type !== 'job.create') throw new Error('no job.create sample');
    const ciphertext = create.request.ciphertext + 'A'.repeat((5 - (create.request.ciphertext.length % 4)) % 4);
    expect(ciphertext.length % 4).toBe(1);
    expect(ClientToBrokerSchema.safeParse({ ...create, request: { ...create.request, ciphertext } }).success).toBe(false);
  });

  it('protocol.chunk-frame: a chunk seq is a u32 by its layout (the response digest hashes 32 bits of it); beyond is refused when encoding', () => {
    const frame = decodeChunkFrame(s.chunkFrames[0]!);
    expect(() => encodeChunkFrame({ ...frame, seq: 2 ** 32 })).toThrow(malformed);
    expect(decodeChunkFrame(encodeChunkFrame({ ...frame, seq: 2 ** 32 - 1 })).seq).toBe(2 ** 32 - 1);
  });
});
