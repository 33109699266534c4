import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { signInitData } from '@cocoon/server/auth/init-data';
import { ErrorResponseSchema, SessionResponseSchema } from '@cocoon/shared/protocol/api';
import { ApiKeysResponseSchema, ApiKeySecretSchema, CreateApiKeyResponseSchema } from '@cocoon/shared/protocol/developer';
import { DEMO_USER } from './routes/init-data-dev-routes';

/** The name the demo user's key has in the Developer screen. */
export const DEMO_API_KEY_NAME = 'npm start demo';

interface DemoKeyStack {
  /** The broker's base URL. */
  url: string;
  botToken: string;
}

async function call<T>(url: string, init: RequestInit, parse: (json: unknown) => T): Promise<{ ok: true; value: T } | { ok: false; status: number; code: string }> {
  const res = await fetch(url, init);
  const json: unknown = await res.json();
  if (res.ok) return { ok: true, value: parse(json) };
  return { ok: false, status: res.status, code: ErrorResponseSchema.parse(json).error.code };
}

/**
 * `npm start`: a developer API key of the demo user (the one the mocked Telegram signs in as),
 * for the local proxy. The broker keeps only the key's hash, so the plaintext is kept in
 * `keyFile` (beside the development database, readable by its owner only) and reused while the
 * broker still accepts it; otherwise the demo user's earlier demo keys are revoked and a new one
 * is created, through the same HTTP API the Mini App uses.
 */
export async function ensureDemoApiKey(stack: DemoKeyStack, keyFile: string): Promise<string> {
  const saved = ApiKeySecretSchema.safeParse((await readFile(keyFile, 'utf8').catch(() => '')).trim());
  if (saved.success) {
    const me = await call(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${saved.data}` } }, () => null);
    if (me.ok) return saved.data;
  }
  const initData = signInitData({ auth_date: String(Math.floor(Date.now() / 1000)), query_id: 'dev', user: JSON.stringify(DEMO_USER) }, stack.botToken);
  const session = await call(`${stack.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ initData }) }, (j) => SessionResponseSchema.parse(j));
  if (!session.ok) throw new Error(`demo API key: signing the demo user in failed (${session.code})`);
  const auth = { authorization: `Bearer ${session.value.token}`, 'content-type': 'application/json' };
  const keys = await call(`${stack.url}/api/developer/keys`, { headers: auth }, (j) => ApiKeysResponseSchema.parse(j));
  if (!keys.ok) throw new Error(`demo API key: listing keys failed (${keys.code})`);
  for (const old of keys.value.keys.filter((k) => k.name === DEMO_API_KEY_NAME && k.revokedAt === null)) {
    await call(`${stack.url}/api/developer/keys/${old.id}/revoke`, { method: 'POST', headers: auth, body: '{}' }, () => null);
  }
  const created = await call(
    `${stack.url}/api/developer/keys`,
    { method: 'POST', headers: auth, body: JSON.stringify({ name: DEMO_API_KEY_NAME, limits: { total: null, daily: null, perRequest: null } }) },
    (j) => CreateApiKeyResponseSchema.parse(j),
  );
  if (!created.ok) throw new Error(`demo API key: creating it failed (${created.code})`);
  await mkdir(dirname(keyFile), { recursive: true });
  await writeFile(keyFile, created.value.secret + '\n', { mode: 0o600 });
  await chmod(keyFile, 0o600);
  return created.value.secret;
}
