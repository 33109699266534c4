import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY_NAME, ensureDemoApiKey } from '@cocoon/dev/demo-api-key';
import { DeveloperApi } from './support/developer';
import { signIn, startTestServer, type TestServer } from './support/test-server';

describe('npm start: the demo user\'s developer API key', () => {
  let t: TestServer;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cocoon-demo-key-'));
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a key once, reuses it across starts, and replaces it when the saved one no longer works', async () => {
    const api = new DeveloperApi(t.server);
    const stack = { url: t.url, botToken: t.config.BOT_TOKEN };
    const file = join(dir, 'demo-api-key');
    const key = await ensureDemoApiKey(stack, file);
    expect(readFileSync(file, 'utf8').trim()).toBe(key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect((await api.me(key)).user.firstName).toBe('Demo');
    expect(await ensureDemoApiKey(stack, file)).toBe(key);

    rmSync(file);
    const next = await ensureDemoApiKey(stack, file);
    expect(next).not.toBe(key);
    expect(await api.error('GET', '/api/me', key)).toMatchObject({ status: 401, code: 'apikey.revoked' });
    const demo = await signIn(t.server, { telegramId: 100_000_001, firstName: 'Demo' });
    expect((await api.me(next)).user.id).toBe(demo.userId);
    const { keys } = await api.listKeys(demo.token);
    expect(keys.filter((k) => k.name === DEMO_API_KEY_NAME && k.revokedAt === null).map((k) => k.prefix)).toEqual([next.slice(0, 16)]);
  });
});
