import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openClient, sealJob } from './support/client';
import { createFakeIdentity, FakeHost } from './support/fake-host';
import { buildTestServer, enrollToken, signIn, startTestServer } from './support/test-server';

describe('server lifecycle', () => {
  it('a graceful close releases the holds of jobs in flight, and PGlite data persists in DATA_DIR', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cocoon-pglite-'));
    try {
      const t = await startTestServer({ DATA_DIR: dir });
      const id = await createFakeIdentity();
      const host = await FakeHost.start(t.wsUrl, id, { enrollToken: await enrollToken(t) });
      host.script = { deltas: [], usage: { promptTokens: 0, completionTokens: 0 }, stall: true };
      const { token, userId } = await signIn(t.server);
      const client = await openClient(t.wsUrl, token);
      const job = await sealJob(id);
      client.send({ type: 'job.create', meta: job.meta, request: job.request });
      await client.next('job.accepted');
      expect((await t.server.services().ledger.userFunds(userId)).held).toBeGreaterThan(0n);
      await t.close();

      const reopened = buildTestServer({ DATA_DIR: dir });
      await reopened.server.app.ready();
      try {
        expect((await reopened.server.services().ledger.userFunds(userId)).held).toBe(0n);
      } finally {
        await reopened.server.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('serving the Mini App', () => {
  it('serves WEB_DIST with cache headers and an SPA fallback that spares /api', async () => {
    const dist = await mkdtemp(join(tmpdir(), 'cocoon-web-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><title>Cocoon</title>');
    await writeFile(join(dist, 'assets', 'app-3f9a.js'), 'console.log(1)');
    const { server } = buildTestServer({ WEB_DIST: dist });
    try {
      const index = await server.app.inject('/');
      expect(index.statusCode).toBe(200);
      expect(index.body).toContain('<title>Cocoon</title>');
      expect(index.headers['cache-control']).toBe('no-cache');
      const asset = await server.app.inject('/assets/app-3f9a.js');
      expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      const deepLink = await server.app.inject('/chat/42');
      expect(deepLink.statusCode).toBe(200);
      expect(deepLink.body).toContain('<title>Cocoon</title>');
      const api = await server.app.inject('/api/unknown');
      expect(api.statusCode).toBe(404);
      expect(api.json().error.code).toBe('http.not_found');
      expect((await server.app.inject('/healthz')).json()).toEqual({ ok: true });
    } finally {
      await server.close();
      await rm(dist, { recursive: true, force: true });
    }
  });
});
