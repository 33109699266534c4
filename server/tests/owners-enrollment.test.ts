import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateSigningKeyPair } from '@cocoon/shared/crypto/ed25519';
import { canonicalJson, toB64u, utf8 } from '@cocoon/shared/protocol/encoding';
import { ENROLL_TOKEN_TTL_S, EnrollmentResponseSchema, EnrollmentStatusSchema } from '@cocoon/shared/protocol/owner';
import { enrollmentTokens, hosts, owners } from '../db/schema';
import { hashEnrollToken, mintEnrollmentToken } from '../hosts/enrollment-tokens';
import { createFakeIdentity, FakeHost, sayHello } from './support/fake-host';
import { buildTestServer, enrollToken, ownerId, signIn, startTestServer, TEST_OWNER_TELEGRAM_ID, type TestServer } from './support/test-server';
import type { TestSocket } from './support/ws-client';

type ErrorFrame = { type: 'error'; error: { code: string; message: string } };

async function expectRejected(socket: TestSocket, code: string): Promise<string> {
  const frame = await socket.next<ErrorFrame>();
  expect(frame).toEqual({ type: 'error', error: { code, message: expect.any(String) } });
  expect((await socket.closed).code).toBe(1008);
  return frame.error.message;
}

describe('enrolling machines with one-time tokens bound to their owner', () => {
  let t: TestServer;
  let owner: string;
  let other: string;
  beforeAll(async () => {
    t = await startTestServer({ ENROLL_TOKENS_PER_OWNER_PER_HOUR: '3' });
    owner = await ownerId(t.server);
    other = await ownerId(t.server, TEST_OWNER_TELEGRAM_ID + 1);
  });
  afterAll(async () => t?.close());

  const db = () => t.server.services().database.db;
  const hostRow = async (id: string) => (await db().select().from(hosts).where(eq(hosts.id, id)))[0];

  it('binds a new machine to the token\'s owner and uses the token up: a second machine with it is refused', async () => {
    const token = await enrollToken(t, owner);
    const id = await createFakeIdentity();
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: token, machine: { agentVersion: '0.1.0', gpus: [{ name: 'NVIDIA H100', memoryMiB: 81_559 }] } });
    expect(await hostRow(id.claims.hostId)).toMatchObject({ ownerId: owner, status: 'online', machine: { agentVersion: '0.1.0' }, models: [{ model: 'demo/tiny', price: { promptPerMillion: '1000000000' } }] });
    const [row] = await db().select().from(enrollmentTokens).where(eq(enrollmentTokens.tokenHash, hashEnrollToken(token)));
    expect(row).toMatchObject({ ownerId: owner, hostId: id.claims.hostId, usedAt: expect.any(Date) });

    const message = await expectRejected(await sayHello(t.wsUrl, await createFakeIdentity(), { enrollToken: token }), 'host.enroll_token_invalid');
    expect(message).toContain('already used');
    expect(message).not.toContain(token);
    host.socket.close();
  });

  it('refuses an expired token, an unknown one, and a new machine without one', async () => {
    const expired = await mintEnrollmentToken(db(), owner, new Date(Date.now() - ENROLL_TOKEN_TTL_S * 1000 - 1000));
    expect(await expectRejected(await sayHello(t.wsUrl, await createFakeIdentity(), { enrollToken: expired.token }), 'host.enroll_token_invalid')).toContain('expired');
    expect(await expectRejected(await sayHello(t.wsUrl, await createFakeIdentity(), { enrollToken: 'cet_' + 'x'.repeat(43) }), 'host.enroll_token_invalid')).toContain('unknown');
    await expectRejected(await sayHello(t.wsUrl, await createFakeIdentity(), {}), 'host.not_enrolled');
    // Refused before its bundle is checked: a forged one (claims no longer bound to the report)
    // gets the enrollment answer, not an attestation verdict, so strangers cost no attestation check.
    const stranger = await createFakeIdentity();
    const forged = { ...stranger.bundle, claims: toB64u(utf8(canonicalJson({ ...stranger.claims, expiresAt: stranger.claims.expiresAt + 1 }))) };
    await expectRejected(await sayHello(t.wsUrl, stranger, { bundle: forged }), 'host.not_enrolled');
    const [row] = await db().select().from(enrollmentTokens).where(eq(enrollmentTokens.id, expired.id));
    expect(row?.usedAt).toBeNull();
  });

  it('an enrolled machine connects with its node key alone; its owner\'s token is ignored, another owner\'s refused', async () => {
    const id = await createFakeIdentity();
    (await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t, owner) })).socket.close();
    await expect.poll(async () => (await hostRow(id.claims.hostId))?.status).toBe('offline');

    const again = await FakeHost.start(t.wsUrl, await createFakeIdentity({ node: id.node }), {});
    again.socket.close();
    await expect.poll(async () => (await hostRow(id.claims.hostId))?.status).toBe('offline');

    const own = await mintEnrollmentToken(db(), owner);
    (await FakeHost.start(t.wsUrl, await createFakeIdentity({ node: id.node }), { enrollToken: own.token })).socket.close();
    const [ownRow] = await db().select().from(enrollmentTokens).where(eq(enrollmentTokens.id, own.id));
    expect(ownRow?.usedAt).toBeNull();
    await expect.poll(async () => (await hostRow(id.claims.hostId))?.status).toBe('offline');

    const foreign = await enrollToken(t, other);
    expect(await expectRejected(await sayHello(t.wsUrl, await createFakeIdentity({ node: id.node }), { enrollToken: foreign }), 'host.enroll_token_invalid')).toContain('another owner');
    expect((await hostRow(id.claims.hostId))?.ownerId).toBe(owner);
  });

  it('refuses a connection under an enrolled id that cannot sign with its node key, and ids that are not node ids', async () => {
    const id = await createFakeIdentity({ models: ['demo/victim'] });
    const victim = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t, owner) });
    // Another machine claiming the victim's id: it has another key, so its node signature fails.
    const thief = await createFakeIdentity({ hostId: id.claims.hostId, models: ['demo/victim'] });
    await expectRejected(await sayHello(t.wsUrl, thief, { enrollToken: await enrollToken(t, other) }), 'host.node_key_mismatch');
    await expectRejected(await sayHello(t.wsUrl, await createFakeIdentity({ node: id.node }), { nodeSigner: await generateSigningKeyPair() }), 'host.node_key_mismatch');
    // The victim was never pushed off.
    expect(t.server.services().registry.get(id.claims.hostId)?.claims.signingPublicKey).toBe(id.claims.signingPublicKey);
    await expectRejected(await sayHello(t.wsUrl, await createFakeIdentity({ hostId: 'legacy-host-1' }), { enrollToken: await enrollToken(t, owner) }), 'host.node_key_mismatch');
    victim.socket.close();
  });

  it('the same node key replaces the older connection', async () => {
    const id = await createFakeIdentity({ models: ['demo/replaced'] });
    const first = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t, owner) });
    const second = await FakeHost.start(t.wsUrl, await createFakeIdentity({ node: id.node, models: ['demo/replaced'] }), {});
    expect((await first.socket.closed).code).toBe(1008);
    expect(t.server.services().registry.get(id.claims.hostId)?.claims.signingPublicKey).toBe(second.id.claims.signingPublicKey);
    second.socket.close();
  });
});

describe('owner routes: enrollments', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ ENROLL_TOKENS_PER_OWNER_PER_HOUR: '2' });
  });
  afterAll(async () => t?.close());

  const call = (method: 'GET' | 'POST', url: string, token: string, server = t.server) =>
    server.app.inject({ method, url, headers: { authorization: `Bearer ${token}`, host: 'broker.example:8443' }, ...(method === 'POST' ? { payload: {} } : {}) });
  const withWallet = (server: TestServer['server'], userId: string) => server.services().database.db.insert(owners).values({ userId, payoutAddress: `0:${'ab'.repeat(32)}`, payoutProvedAt: new Date() });

  it('needs a payout wallet, shows the command once, reports waiting → enrolled, and limits tokens per hour', async () => {
    const { token, userId } = await signIn(t.server);
    const refused = await call('POST', '/api/owner/enrollments', token);
    expect([refused.statusCode, refused.json().error.code]).toEqual([409, 'owner.no_payout_wallet']);
    await withWallet(t.server, userId);

    const res = await call('POST', '/api/owner/enrollments', token);
    expect(res.statusCode).toBe(200);
    const made = EnrollmentResponseSchema.parse(res.json());
    expect(made.token).toMatch(/^cet_[A-Za-z0-9_-]{43}$/);
    // The origin the app reached the broker at (no PUBLIC_URL).
    expect(made.command).toBe(`npx cocoon-host enroll ${made.token} --broker http://broker.example:8443`);
    expect(Date.parse(made.expiresAt) - Date.now()).toBeGreaterThan((ENROLL_TOKEN_TTL_S - 60) * 1000);
    expect(t.logs.join('')).not.toContain(made.token);

    const status = async () => EnrollmentStatusSchema.parse((await call('GET', `/api/owner/enrollments/${made.id}`, token)).json());
    expect(await status()).toMatchObject({ status: 'waiting', hostId: null });
    const id = await createFakeIdentity();
    const host = await FakeHost.start(t.wsUrl, id, { enrollToken: made.token });
    expect(await status()).toMatchObject({ status: 'enrolled', hostId: id.claims.hostId });

    // Another user cannot see it.
    const stranger = await signIn(t.server);
    expect((await call('GET', `/api/owner/enrollments/${made.id}`, stranger.token)).statusCode).toBe(404);

    await call('POST', '/api/owner/enrollments', token);
    const third = await call('POST', '/api/owner/enrollments', token);
    expect([third.statusCode, third.json().error.code]).toEqual([429, 'rate_limited']);
    host.socket.close();
  });

  it('names PUBLIC_URL in the command when it is set', async () => {
    const { server } = buildTestServer({ PUBLIC_URL: 'https://cocoon.example/' });
    try {
      await server.app.ready();
      const { token, userId } = await signIn(server);
      await withWallet(server, userId);
      const made = EnrollmentResponseSchema.parse((await call('POST', '/api/owner/enrollments', token, server)).json());
      expect(made.command).toBe(`npx cocoon-host enroll ${made.token} --broker https://cocoon.example`);
    } finally {
      await server.close();
    }
  });

  it('reports an unused token past its life as expired', async () => {
    const { token, userId } = await signIn(t.server);
    const minted = await mintEnrollmentToken(t.server.services().database.db, userId, new Date(Date.now() - ENROLL_TOKEN_TTL_S * 1000 - 1));
    expect((await call('GET', `/api/owner/enrollments/${minted.id}`, token)).json()).toMatchObject({ status: 'expired', hostId: null });
  });
});
