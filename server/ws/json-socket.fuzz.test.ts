import { describe, expect, it } from 'vitest';
import { ClientToBrokerSchema } from '@cocoon/shared/protocol/ws-messages';
import { assertFuzz } from '@cocoon/shared/testing/fuzz/harness';
import { protocolSamples } from '@cocoon/shared/testing/fuzz/protocol-samples';
import { brokerFrameTargets } from '../tests/fuzz/server-targets';
import { parseFrame } from './json-socket';

const targets = await brokerFrameTargets();

describe('fuzz: WebSocket frames through the broker sockets\' parse step, fixed seed', () => {
  for (const t of targets) it(`${t.name}: ${t.testRuns} inputs, nothing schema-valid fails to decode, no altered input accepted`, () => assertFuzz(t), 60_000);
});

describe('fuzz findings: frames', () => {
  it('server.ws.client-frame: job.create whose enc has stray bits is not a frame of the protocol (a lenient decoder read it as the canonical enc)', async () => {
    const s = await protocolSamples();
    const create = { type: 'job.create', meta: s.meta, request: s.sealed.x25519 };
    const B64U = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const enc = s.sealed.x25519.enc;
    const stray = enc.slice(0, -1) + B64U[B64U.indexOf(enc.at(-1)!) | 1]!;
    expect(parseFrame(ClientToBrokerSchema, JSON.stringify(create)).success).toBe(true);
    expect(parseFrame(ClientToBrokerSchema, JSON.stringify({ ...create, request: { ...create.request, enc: stray } })).success).toBe(false);
  });
});
