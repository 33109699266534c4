import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CocoonServer } from '../app';
import { buildTestServer, testConfig } from './support/test-server';

let dist: string;

beforeAll(async () => {
  dist = await mkdtemp(join(tmpdir(), 'cocoon-web-'));
  await mkdir(join(dist, 'assets'));
  await writeFile(join(dist, 'index.html'), '<!doctype html><title>Cocoon</title>');
  await writeFile(join(dist, 'assets', 'app-3f9a.js'), 'console.log(1)');
  const wallets = [
    { app_name: 'tonkeeper', image: 'https://tonkeeper.com/assets/tonconnect-icon.png', bridge: [{ type: 'sse', url: 'https://bridge.tonapi.io/bridge' }, { type: 'js', key: 'tonkeeper' }] },
    { app_name: 'injected', image: 'data:image/svg+xml;base64,PHN2Zy8+', bridge: [{ type: 'js', key: 'injected' }] },
  ];
  await writeFile(join(dist, 'tonconnect-wallets.json'), JSON.stringify(wallets));
});
afterAll(() => rm(dist, { recursive: true, force: true }));

async function withServer(env: Record<string, string>, fn: (server: CocoonServer) => Promise<void>): Promise<void> {
  const { server } = buildTestServer({ WEB_DIST: dist, ...env });
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

const csp = (connect: string) =>
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https://tonkeeper.com; " +
  `connect-src 'self' ${connect}; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; ` +
  'frame-ancestors https://web.telegram.org https://*.telegram.org';

describe('security headers', () => {
  const requests = [
    ['an API route', { url: '/healthz' }, 200],
    ['an API error', { url: '/api/session', method: 'POST' as const, payload: { initData: 42 } }, 400],
    ['an unknown API route', { url: '/api/unknown' }, 404],
    ['the SPA index', { url: '/' }, 200],
    ['a client-side route (index fallback)', { url: '/chat/42' }, 200],
    ['a hashed asset', { url: '/assets/app-3f9a.js' }, 200],
  ] as const;

  let http: CocoonServer;
  beforeAll(() => {
    http = buildTestServer({ WEB_DIST: dist, PUBLIC_URL: 'http://127.0.0.1:8080' }).server;
  });
  afterAll(() => http.close());

  it.each(requests)('%s carries the CSP, nosniff and no-referrer, and no X-Frame-Options or HSTS over http', async (_what, request, status) => {
    const res = await http.app.inject(request);
    expect(res.statusCode).toBe(status);
    expect(res.headers['content-security-policy']).toBe(csp('http://127.0.0.1:8080 ws://127.0.0.1:8080 https://bridge.tonapi.io'));
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-frame-options']).toBeUndefined();
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });

  it('adds HSTS, and wss of its own origin, only when PUBLIC_URL is https', async () => {
    await withServer({ PUBLIC_URL: 'https://cocoon.example' }, async (server) => {
      for (const url of ['/healthz', '/', '/assets/app-3f9a.js', '/api/unknown']) {
        const res = await server.app.inject(url);
        expect(res.headers['strict-transport-security']).toBe('max-age=31536000');
        expect(res.headers['content-security-policy']).toBe(csp('https://cocoon.example wss://cocoon.example https://bridge.tonapi.io'));
        expect(res.headers['x-frame-options']).toBeUndefined();
      }
    });
    await withServer({}, async (server) => {
      const res = await server.app.inject('/');
      expect(res.headers['strict-transport-security']).toBeUndefined();
      expect(res.headers['content-security-policy']).toContain("connect-src 'self' https://bridge.tonapi.io;");
    });
  });

  it('refuses to start with a WEB_DIST whose wallets list is malformed', async () => {
    const broken = await mkdtemp(join(tmpdir(), 'cocoon-web-'));
    try {
      await writeFile(join(broken, 'tonconnect-wallets.json'), '{"not":"a list"}');
      expect(() => buildTestServer({ WEB_DIST: broken })).toThrow(/tonconnect-wallets\.json is not a TonConnect wallets list/);
    } finally {
      await rm(broken, { recursive: true, force: true });
    }
  });
});

describe('CORS for a Mini App served from its own origin (WEB_ORIGIN)', () => {
  const app = 'https://app.cocoon.example';

  it('answers the app origin, and no other, with CORS headers', async () => {
    await withServer({ WEB_ORIGIN: `${app}/` }, async (server) => {
      const allowed = await server.app.inject({ url: '/healthz', headers: { origin: app } });
      expect(allowed.headers['access-control-allow-origin']).toBe(app);
      expect(allowed.headers.vary).toContain('Origin');
      expect(allowed.headers['access-control-allow-credentials']).toBeUndefined();

      const preflight = await server.app.inject({ method: 'OPTIONS', url: '/api/session', headers: { origin: app, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
      expect(preflight.statusCode).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe(app);
      expect(preflight.headers['access-control-allow-methods']).toBe('GET, POST, PATCH, DELETE');
      expect(preflight.headers['access-control-allow-headers']).toBe('authorization, content-type');
      expect(preflight.headers['content-security-policy']).toBeDefined();

      for (const origin of ['https://evil.example', 'https://app.cocoon.example.evil.example', 'http://app.cocoon.example']) {
        const other = await server.app.inject({ url: '/healthz', headers: { origin } });
        expect(other.headers['access-control-allow-origin']).toBeUndefined();
        const otherPreflight = await server.app.inject({ method: 'OPTIONS', url: '/api/session', headers: { origin, 'access-control-request-method': 'POST' } });
        expect(otherPreflight.statusCode).not.toBe(204);
        expect(otherPreflight.headers['access-control-allow-origin']).toBeUndefined();
        expect(otherPreflight.headers['access-control-allow-methods']).toBeUndefined();
      }
    });
  });

  it('sends no CORS headers without WEB_ORIGIN', async () => {
    await withServer({}, async (server) => {
      const res = await server.app.inject({ url: '/healthz', headers: { origin: app } });
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    });
  });

  it('takes only an origin for WEB_ORIGIN', () => {
    expect(testConfig({ WEB_ORIGIN: 'https://app.example:8443/' }).WEB_ORIGIN).toBe('https://app.example:8443');
    for (const bad of ['https://app.example/mini-app', 'app.example', 'ftp://app.example', 'https://app.example/?x=1']) {
      expect(() => testConfig({ WEB_ORIGIN: bad }), bad).toThrow(/WEB_ORIGIN/);
    }
  });
});
