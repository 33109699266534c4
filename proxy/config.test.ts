import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isCocoonError } from '@cocoon/shared/errors';
import { DEFAULT_BROKER_URL, DEFAULT_MAX_PRICE, DEFAULT_PORT, loadCommand } from './config';

const KEY_A = 'f9tU8EO_WCBwwuvCAJ-Ip9ZhmxbfVOcKYi1k6ompeW8';
const KEY_B = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const serve = (argv: string[], env: Record<string, string> = {}) => {
  const c = loadCommand(argv, env);
  if (c.kind !== 'serve') throw new Error(`expected serve, got ${c.kind}`);
  return c.config;
};
const refusal = (argv: string[], env: Record<string, string> = {}): string => {
  try {
    loadCommand(argv, env);
  } catch (e) {
    if (isCocoonError(e, 'config.invalid')) return e.message;
    throw e;
  }
  throw new Error('expected config.invalid');
};

describe('cocoon-proxy configuration', () => {
  it('has defaults, and flags win over the environment, which wins over the file', () => {
    const defaults = serve(['--policy-key', KEY_A]);
    expect(defaults).toMatchObject({ port: DEFAULT_PORT, brokerUrl: DEFAULT_BROKER_URL, maxPrice: DEFAULT_MAX_PRICE, allowSimulated: false, policyKeys: [KEY_A], logLevel: 'info' });
    expect(defaults.dataDir).toMatch(/\.cocoon-proxy$/);
    const file = join(mkdtempSync(join(tmpdir(), 'proxy-config-')), 'proxy.json');
    writeFileSync(file, JSON.stringify({ port: 9001, broker: 'https://file.example', key: 'sk-cocoon-from-the-file-000000000', policyKeys: [KEY_A], maxPrice: '0.25' }));
    const c = serve(['--config', file, '--port', '9003'], { COCOON_PROXY_PORT: '9002', COCOON_BROKER_URL: 'https://env.example/', COCOON_POLICY_KEYS: `${KEY_A},${KEY_B}` });
    expect(c).toMatchObject({ port: 9003, brokerUrl: 'https://env.example', apiKey: 'sk-cocoon-from-the-file-000000000', policyKeys: [KEY_A, KEY_B], maxPrice: 250_000n });
    expect(serve(['--policy-key', KEY_A, '--policy-key', KEY_B, '--max-price', '12.5']).maxPrice).toBe(12_500_000n);
  });

  it('fails closed without pinned policy keys, and allows the development rules only for a broker on this machine', () => {
    expect(refusal([])).toMatch(/policyKeys: pin the operator key/);
    expect(serve(['--allow-unverified-dev']).allowUnverifiedDev).toBe(true);
    expect(refusal(['--allow-unverified-dev', '--broker', 'https://broker.example'])).toMatch(/only for a development broker on this machine/);
  });

  it('names every wrong value', () => {
    const message = refusal(['--port', 'x', '--broker', 'http://broker.example', '--policy-key', 'short', '--max-price=-1', '--log-level', 'loud']);
    for (const field of ['port', 'broker', 'policyKeys', 'maxPrice', 'logLevel']) expect(message).toContain(`${field}`);
    expect(message).toMatch(/must be https unless the broker runs on this machine/);
    expect(refusal(['--nope'])).toMatch(/Unknown option/);
  });

  it('parses verify and help', () => {
    expect(loadCommand(['--help'], {})).toEqual({ kind: 'help' });
    expect(loadCommand(['verify', 'chatcmpl-1', '--json'], { COCOON_API_KEY: 'sk-cocoon-0123456789abcdef' })).toMatchObject({ kind: 'verify', requestId: 'chatcmpl-1', json: true, config: { apiKey: 'sk-cocoon-0123456789abcdef' } });
    expect(refusal(['verify'])).toMatch(/exactly one request id/);
    expect(refusal(['serve'])).toMatch(/unknown command serve/);
  });
});
