import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_KEY_PREFIX } from '@cocoon/shared/protocol/developer';
import { apiKeys } from '../db/schema';
import { hashApiKey, MAX_ACTIVE_KEYS_PER_USER } from '../developer/api-keys';
import { openClient, sealJob } from './support/client';
import { DeveloperApi } from './support/developer';
import { createFakeIdentity, FakeHost, type FakeIdentity } from './support/fake-host';
import { enrollToken, signIn, startTestServer, type TestServer } from './support/test-server';
import { TestSocket } from './support/ws-client';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

describe('developer API keys', () => {
  let t: TestServer;
  let api: DeveloperApi;
  let dataDir: string;
  let id: FakeIdentity;
  const secrets: string[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cocoon-keys-'));
    t = await startTestServer({ DATA_DIR: join(dataDir, 'pglite') });
    api = new DeveloperApi(t.server);
    id = await createFakeIdentity({ models: ['demo/tiny'] });
    await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a key shown once, lists it by prefix and limits, and revokes it', async () => {
    const { token } = await signIn(t.server);
    const created = await api.createKey(token, '  ci-bot ', { total: 10_000_000n, daily: 5_000_000n, perRequest: 1_000_000n });
    secrets.push(created.secret);
    expect(created.secret).toMatch(/^sk-cocoon-[A-Za-z0-9_-]{43}$/);
    expect(created.key).toMatchObject({
      name: 'ci-bot',
      prefix: created.secret.slice(0, API_KEY_PREFIX.length + 6),
      limits: { total: 10_000_000n, daily: 5_000_000n, perRequest: 1_000_000n },
      spent: { total: 0n, today: 0n },
      held: 0n,
      lastUsedAt: null,
      revokedAt: null,
    });

    const second = await api.createKey(token, 'no limits');
    secrets.push(second.secret);
    expect(second.key.limits).toEqual({ total: null, daily: null, perRequest: null });
    expect(second.secret).not.toBe(created.secret);

    const listed = await api.listKeys(token);
    expect(listed.keys.map((k) => k.name)).toEqual(['no limits', 'ci-bot']);
    expect((await api.request('GET', '/api/developer/keys', token)).body).not.toContain(created.secret.slice(API_KEY_PREFIX.length + 6));

    const updated = await api.setLimits(token, created.key.id, { daily: 2_000_000n });
    expect(updated.key.limits).toEqual({ total: null, daily: 2_000_000n, perRequest: null });

    const revoked = await api.revoke(token, created.key.id);
    expect(revoked.key.revokedAt).not.toBeNull();
    // Revoking again keeps the first time; a revoked key's limits no longer change.
    expect((await api.revoke(token, created.key.id)).key.revokedAt).toBe(revoked.key.revokedAt);
    expect(await api.error('POST', `/api/developer/keys/${created.key.id}/limits`, token, { limits: { total: null, daily: null, perRequest: null } })).toMatchObject({ status: 401, code: 'apikey.revoked' });
    expect((await api.listKeys(token)).keys.find((k) => k.id === created.key.id)?.revokedAt).toBe(revoked.key.revokedAt);
  });

  it('refuses bad names and limits, other users\' keys, and more than the active key cap', async () => {
    const { token } = await signIn(t.server);
    for (const body of [
      { name: '', limits: { total: null, daily: null, perRequest: null } },
      { name: 'x'.repeat(65), limits: { total: null, daily: null, perRequest: null } },
      { name: 'bell\u0007', limits: { total: null, daily: null, perRequest: null } },
      { name: 'neg', limits: { total: '-1', daily: null, perRequest: null } },
      { name: 'frac', limits: { total: '1.5', daily: null, perRequest: null } },
      { name: 'missing' },
    ]) {
      expect(await api.error('POST', '/api/developer/keys', token, body)).toMatchObject({ status: 400, code: 'protocol.malformed_message' });
    }
    const other = await signIn(t.server);
    const theirs = await api.createKey(other.token, 'theirs');
    secrets.push(theirs.secret);
    expect(await api.error('POST', `/api/developer/keys/${theirs.key.id}/revoke`, token, {})).toMatchObject({ status: 404, code: 'apikey.not_found' });
    expect((await api.listKeys(token)).keys).toEqual([]);

    for (let i = 0; i < MAX_ACTIVE_KEYS_PER_USER; i++) secrets.push((await api.createKey(token, `k${i}`)).secret);
    expect(await api.error('POST', '/api/developer/keys', token, { name: 'one more', limits: { total: null, daily: null, perRequest: null } })).toMatchObject({ status: 409, code: 'apikey.too_many' });
    await api.revoke(token, (await api.listKeys(token)).keys[0]!.id);
    secrets.push((await api.createKey(token, 'after a revoke')).secret);
  });

  it('authenticates HTTP requests by key as its owner, on the routes a client needs only', async () => {
    const { token, userId } = await signIn(t.server);
    const { key, secret } = await api.createKey(token, 'http');
    secrets.push(secret);
    expect(await api.me(secret)).toEqual(await api.me(token));
    expect((await api.me(secret)).user.id).toBe(userId);

    for (const url of ['/api/models', '/api/hosts?model=demo/tiny', `/api/hosts/${id.claims.hostId}/bundle`, '/api/attestation/policy']) {
      expect((await api.request('GET', url, secret)).statusCode, url).toBe(200);
      expect((await api.request('GET', url, undefined)).statusCode, url).toBe(200);
      expect(await api.error('GET', url, `${API_KEY_PREFIX}${'A'.repeat(43)}`), url).toMatchObject({ status: 401, code: 'apikey.invalid' });
    }
    // Managing keys and money needs the Telegram session: a leaked key cannot mint keys or lift its limits.
    for (const [method, url] of [['GET', '/api/developer/keys'], ['POST', '/api/developer/keys'], ['POST', `/api/developer/keys/${key.id}/limits`], ['POST', `/api/developer/keys/${key.id}/revoke`], ['GET', '/api/credits'], ['POST', '/api/payments/stars/invoice']] as const) {
      expect(await api.error(method, url, secret, {}), url).toMatchObject({ status: 403, code: 'apikey.forbidden' });
    }
    const listed = (await api.listKeys(token)).keys.find((k) => k.id === key.id)!;
    expect(listed.lastUsedAt).not.toBeNull();

    await api.revoke(token, key.id);
    for (const url of ['/api/me', '/api/models', '/api/developer/usage', `/api/developer/generation/${crypto.randomUUID()}`]) {
      expect(await api.error('GET', url, secret), url).toMatchObject({ status: 401, code: 'apikey.revoked' });
    }
  });

  it('authenticates the client WebSocket by key; a revoked key is refused at auth and for every new job', async () => {
    const { token, userId } = await signIn(t.server);
    const { key, secret } = await api.createKey(token, 'ws');
    secrets.push(secret);
    const client = await openClient(t.wsUrl, secret);
    const job = await sealJob(id);
    client.send({ type: 'job.create', meta: job.meta, request: job.request });
    const settled = await client.next<{ charged: string }>('job.settled');
    expect(BigInt(settled.charged)).toBeGreaterThan(0n);
    expect((await api.generation(secret, job.meta.jobId)).keyId).toBe(key.id);

    await api.revoke(token, key.id);
    const before = await t.server.services().ledger.userFunds(userId);
    const again = await sealJob(id);
    client.send({ type: 'job.create', meta: again.meta, request: again.request });
    expect(await client.next('error')).toMatchObject({ jobId: again.meta.jobId, error: { code: 'apikey.revoked' } });
    expect(await t.server.services().ledger.userFunds(userId)).toEqual(before);
    client.close();

    const late = await TestSocket.open(`${t.wsUrl}/api/ws`);
    late.send({ type: 'auth', token: secret });
    expect(await late.next('error')).toMatchObject({ error: { code: 'apikey.revoked' } });
    expect((await late.closed).code).toBe(1008);
    const bogus = await TestSocket.open(`${t.wsUrl}/api/ws`);
    bogus.send({ type: 'auth', token: `${API_KEY_PREFIX}${'B'.repeat(43)}` });
    expect(await bogus.next('error')).toMatchObject({ error: { code: 'apikey.invalid' } });
  });

  it('keeps every key\'s plaintext out of the database files and the logs', async () => {
    expect(secrets.length).toBeGreaterThan(20);
    const db = t.server.services().database.db;
    const [stored] = await db.select().from(apiKeys).where(eq(apiKeys.keyHash, hashApiKey(secrets[0]!)));
    expect(stored).toBeDefined();
    expect(JSON.stringify(stored, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))).not.toContain(secrets[0]!.slice(API_KEY_PREFIX.length + 6));

    await t.close();
    const files = filesUnder(dataDir);
    expect(files.length).toBeGreaterThan(10);
    const logs = t.logs.join('');
    for (const secret of secrets) {
      const hidden = secret.slice(API_KEY_PREFIX.length + 6); // the part no display prefix shows
      expect(logs).not.toContain(hidden);
      for (const file of files) expect(readFileSync(file).includes(hidden), file).toBe(false);
    }
    // The hash is there: the scan reads the pages the keys were written to.
    expect(files.some((f) => readFileSync(f).includes(hashApiKey(secrets[0]!)))).toBe(true);
  });
});
