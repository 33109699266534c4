import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { decodeClaims } from '@cocoon/shared/attestation/claims';
import { bundleDigest } from '@cocoon/shared/attestation/bundle';
import { HostBundleResponseSchema } from '@cocoon/shared/protocol/api';
import { canonicalJson, toB64u, utf8 } from '@cocoon/shared/protocol/encoding';
import { maintain } from '../maintenance';
import { createFakeIdentity, FakeHost, sayHello } from './support/fake-host';
import { signedPolicyFile } from './support/policy';
import { enrollToken, startTestServer, type TestServer } from './support/test-server';
import { TestSocket } from './support/ws-client';

type ErrorFrame = { type: 'error'; error: { code: string; message: string } };

async function expectRejected(socket: TestSocket, code: string): Promise<void> {
  expect(await socket.next<ErrorFrame>()).toEqual({ type: 'error', error: { code, message: expect.any(String) } });
  expect((await socket.closed).code).toBe(1008);
}

describe('host enrollment', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => t?.close());

  const models = async () => (await t.server.app.inject('/api/models')).json().models as Array<{ name: string; hostCount: number }>;

  it('welcomes a host with an accepted token, a valid bundle and a signed challenge', async () => {
    const id = await createFakeIdentity({ models: ['demo/good', 'demo/shared'] });
    const other = await createFakeIdentity({ models: ['demo/shared'] });
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t), priceCoefficientMilli: 2000 });
    const cheap = await FakeHost.start(t.wsUrl, other, { enrollToken: await enrollToken(t), priceCoefficientMilli: 900 });

    expect(await models()).toEqual([
      { name: 'demo/good', hostCount: 1, price: { promptPerMillion: '1000000000', completionPerMillion: '2000000000' } },
      { name: 'demo/shared', hostCount: 2, price: { promptPerMillion: '1000000000', completionPerMillion: '2000000000' } },
    ]);
    const hosts = (await t.server.app.inject('/api/hosts?model=demo/shared')).json().hosts;
    expect(hosts.map((h: { hostId: string }) => h.hostId)).toEqual([other.claims.hostId, id.claims.hostId]);
    expect(hosts[1]).toEqual({ hostId: id.claims.hostId, priceCoefficientMilli: 2000 });

    host.socket.close();
    cheap.socket.close();
    await expect.poll(async () => (await models()).length).toBe(0);
  });

  it('lists hosts slim and serves each bundle on its own route, revalidated by its digest', async () => {
    const id = await createFakeIdentity({ models: ['demo/bundled'] });
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
    const list = await t.server.app.inject('/api/hosts?model=demo/bundled');
    const hostId = id.claims.hostId;
    expect(list.json()).toEqual({ hosts: [{ hostId, priceCoefficientMilli: 1000 }] });
    expect(list.body).not.toContain(id.bundle.quote);

    const res = await t.server.app.inject(`/api/hosts/${hostId}/bundle`);
    expect(res.statusCode).toBe(200);
    expect(HostBundleResponseSchema.parse(res.json())).toEqual({ hostId, bundle: id.bundle });
    const etag = res.headers.etag;
    expect(etag).toBe(`"${await bundleDigest(id.bundle)}"`);
    expect(res.headers['cache-control']).toBe('no-cache');
    const again = await t.server.app.inject({ url: `/api/hosts/${hostId}/bundle`, headers: { 'if-none-match': String(etag) } });
    expect([again.statusCode, again.body]).toEqual([304, '']);

    const missing = await t.server.app.inject('/api/hosts/no-such-host/bundle');
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'host.not_found']);
    const bad = await t.server.app.inject('/api/hosts/Not_A_Host!/bundle');
    expect([bad.statusCode, bad.json().error.code]).toEqual([400, 'protocol.malformed_message']);
    host.socket.close();
    await expect.poll(async () => (await t.server.app.inject(`/api/hosts/${hostId}/bundle`)).statusCode).toBe(404);
  });

  it('validates the hosts query', async () => {
    const res = await t.server.app.inject('/api/hosts?model=' + encodeURIComponent('bad model!'));
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('protocol.malformed_message');
  });

  it('rejects an enrollment token it does not know', async () => {
    const id = await createFakeIdentity();
    await expectRejected(await sayHello(t.wsUrl, id, { enrollToken: 'cet_not-an-accepted-token-000' }), 'host.enroll_token_invalid');
  });

  it('rejects a challenge signed by a key other than the attested one', async () => {
    const id = await createFakeIdentity();
    await expectRejected(await sayHello(t.wsUrl, id, { enrollToken: await enrollToken(t), challengeSigner: await generateSigningKeyPair() }), 'auth.host_invalid');
  });

  it('rejects a bundle whose claims were altered after attestation', async () => {
    const id = await createFakeIdentity({ models: ['demo/tiny'] });
    const claims = decodeClaims(id.bundle.claims).claims;
    const forged = { ...id.bundle, claims: toB64u(utf8(canonicalJson({ ...claims, models: [{ name: 'demo/expensive', weightsDigest: 'cd'.repeat(32) }] }))) };
    await expectRejected(await sayHello(t.wsUrl, id, { enrollToken: await enrollToken(t), bundle: forged }), 'attestation.report_data_mismatch');
  });

  it('rejects expired claims', async () => {
    const id = await createFakeIdentity({ ttlS: -10 });
    await expectRejected(await sayHello(t.wsUrl, id, { enrollToken: await enrollToken(t) }), 'attestation.claims_expired');
  });

  it('answers malformed frames with protocol.malformed_message and closes after repeated ones', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/api/host`);
    await socket.next('host.challenge');
    for (const frame of ['not json', JSON.stringify({ type: 'host.hello' }), JSON.stringify({ type: 'nope' })]) {
      socket.send(frame);
      expect(await socket.next<ErrorFrame>()).toMatchObject({ type: 'error', error: { code: 'protocol.malformed_message' } });
    }
    expect((await socket.closed).code).toBe(1008);
  });

  it('refuses job messages before hello', async () => {
    const socket = await TestSocket.open(`${t.wsUrl}/api/host`);
    await socket.next('host.challenge');
    socket.send({ type: 'job.error', jobId: crypto.randomUUID(), error: { code: 'internal', message: 'x' } });
    await expectRejected(socket, 'auth.host_invalid');
  });

  it('re-verifies on host.refresh and drops a host whose refresh fails', async () => {
    const id = await createFakeIdentity({ models: ['demo/refresh'] });
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
    // The same machine (node key) with another enclave: a refresh must keep the attested signing key.
    const impostor = await createFakeIdentity({ node: id.node, models: ['demo/refresh'] });
    host.send({ type: 'host.refresh', bundle: impostor.bundle });
    await expectRejected(host.socket, 'attestation.host_mismatch');
    await expect.poll(async () => (await models()).map((m) => m.name)).not.toContain('demo/refresh');
  });

  it('upkeep disconnects a host once its attested claims expire', async () => {
    const id = await createFakeIdentity({ models: ['demo/short'], ttlS: 60 });
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
    await maintain(t.server.services(), new Date(), { purge: false });
    expect((await models()).map((m) => m.name)).toContain('demo/short');
    await maintain(t.server.services(), new Date(Date.now() + 61_000), { purge: false });
    await expectRejected(host.socket, 'attestation.claims_expired');
    await expect.poll(async () => (await models()).map((m) => m.name)).not.toContain('demo/short');
  });

  it('a newer connection for the same host id replaces the older', async () => {
    const id = await createFakeIdentity({ models: ['demo/re'] });
    const first = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
    // Enrolled: the node key alone lets it in again.
    const second = await FakeHost.start(t.wsUrl, id, {});
    expect((await first.socket.closed).code).toBe(1008);
    expect((await models()).find((m) => m.name === 'demo/re')?.hostCount).toBe(1);
    second.socket.close();
  });
});

describe('host enrollment without simulated TEEs', () => {
  it('rejects a simulated bundle when ALLOW_SIMULATED_TEE is off, even under a policy that allows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hosts-policy-'));
    const policy = await signedPolicyFile(dir, { allowSimulated: true });
    const t = await startTestServer({ ALLOW_SIMULATED_TEE: 'false', ...policy.env });
    try {
      const id = await createFakeIdentity();
      await expectRejected(await sayHello(t.wsUrl, id, { enrollToken: await enrollToken(t) }), 'attestation.simulated_not_allowed');
    } finally {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
