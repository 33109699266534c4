import { describe, expect, it } from 'vitest';
import { createLogger } from '../agent/logger';
import { engineIdentity } from '../agent/agent-config-digest';
import { isLoopbackUrl, startEngine } from '../agent/engine-setup';
import type { HostAgentConfig } from '../agent/host-agent';
import { generateNodeKey } from '../agent/node-key';

const config: HostAgentConfig = {
  brokerUrls: ['wss://broker.example/api/host'],
  enrollToken: 'enroll-token-0123456789',
  nodeKey: await generateNodeKey(),
  engine: { url: 'http://127.0.0.1:8000/v1', apiKey: 'engine-secret', name: 'vLLM', imageDigest: `sha256:${'a'.repeat(64)}`, version: '0.11.0', args: ['--model', 'Qwen/Qwen3-0.6B'], modelDigests: { 'Qwen/Qwen3-0.6B': 'ab'.repeat(32) } },
  tee: 'tdx',
  pccsUrl: 'https://pccs.internal:8081',
  gpu: { mode: 'off' },
  priceCoefficientMilli: 1000,
  claimsTtlSeconds: 3600,
  logLevel: 'silent',
};

describe('what the host runs is what it attests', () => {
  it('accepts only loopback engine URLs as local', () => {
    for (const url of ['http://127.0.0.1:8000/v1', 'http://127.1.2.3/v1', 'http://localhost:8000/v1', 'http://[::1]:8000/v1', 'https://127.0.0.1/v1']) expect([url, isLoopbackUrl(url)]).toEqual([url, true]);
    for (const url of ['http://10.0.0.5:8000/v1', 'http://engine.internal/v1', 'http://127.0.0.1.evil.example/v1', 'http://0.0.0.0:8000/v1', 'ftp://127.0.0.1/v1', 'not a url', 'http://[::ffff:10.0.0.5]/v1']) expect([url, isLoopbackUrl(url)]).toEqual([url, false]);
  });

  it('in TDX mode refuses an engine outside its own VM before sending it anything', async () => {
    const remote = { ...config.engine, url: 'http://10.0.0.5:8000/v1' };
    await expect(startEngine(remote, createLogger('silent'), { tee: 'tdx' })).rejects.toMatchObject({ code: 'config.invalid', message: expect.stringMatching(/^COCOON_ENGINE_URL http:\/\/10\.0\.0\.5:8000\/v1 is not on this machine's loopback/) });
  });

  it('states the engine image, version and arguments, and a digest of its configuration without secrets', async () => {
    const id = await engineIdentity(config);
    expect(id).toMatchObject({ name: 'vLLM', imageDigest: `sha256:${'a'.repeat(64)}`, version: '0.11.0', args: ['--model', 'Qwen/Qwen3-0.6B'] });
    expect(id.agentConfigDigest).toMatch(/^[0-9a-f]{64}$/);
    // Secrets are not part of it: another enrollment token, node key or engine key gives the same digest
    // (the host id, the node key's public half, is in the claims on its own).
    expect((await engineIdentity({ ...config, enrollToken: 'another-token-0123456789', nodeKey: await generateNodeKey(), engine: { ...config.engine, apiKey: 'other' } })).agentConfigDigest).toBe(id.agentConfigDigest);
    // What changes what the host does changes it.
    for (const changed of [
      { ...config, engine: { ...config.engine, args: [...config.engine.args, '--enable-log-requests'] } },
      { ...config, engine: { ...config.engine, url: 'http://127.0.0.1:8001/v1' } },
      { ...config, brokerUrls: ['wss://other.example/api/host'] },
      { ...config, brokerUrls: ['wss://broker.example/api/host', 'wss://fallback.example/api/host'] },
      { ...config, pccsUrl: 'https://api.trustedservices.intel.com' },
    ]) expect((await engineIdentity(changed)).agentConfigDigest).not.toBe(id.agentConfigDigest);
  });
});
