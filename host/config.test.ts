import { describe, expect, it } from 'vitest';
import { loadHostConfig } from './config';

const token = 'enroll-token-0123456789';
const ENGINE = { COCOON_ENGINE_URL: 'http://127.0.0.1:8000/v1', COCOON_ENGINE_IMAGE: `sha256:${'e'.repeat(64)}`, COCOON_ENGINE_VERSION: '0.11.0' };

describe('host configuration', () => {
  it('requires an engine URL (the demo engine is a development tool) and chooses the TEE automatically', () => {
    expect(() => loadHostConfig({ COCOON_ENROLL_TOKEN: token })).toThrow(/COCOON_ENGINE_URL: required/);
    const c = loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE });
    expect(c.engine).toEqual({ url: 'http://127.0.0.1:8000/v1', name: 'vLLM', imageDigest: `sha256:${'e'.repeat(64)}`, version: '0.11.0', args: [], modelDigests: {} });
    expect(c.tee).toBe('auto');
    expect(loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_TEE: 'simulated' }).tee).toBe('simulated');
    expect(c.hostId).toMatch(/^host-[0-9a-f]{8}$/);
  });

  it("fetches Intel collateral from Intel's PCS unless a caching service (PCCS) is named", () => {
    expect(loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE }).pccsUrl).toBe('https://api.trustedservices.intel.com');
    expect(loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_PCCS_URL: 'https://pccs.internal:8081' }).pccsUrl).toBe('https://pccs.internal:8081');
    expect(() => loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_PCCS_URL: 'ftp://pccs' })).toThrow(/COCOON_PCCS_URL/);
    expect(() => loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_PCCS_URL: 'https://user:pw@pccs' })).toThrow(/COCOON_PCCS_URL: credentials/);
  });

  it('pings the broker every 30 s unless told, to notice one that went silent', () => {
    expect(loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE }).brokerHeartbeatMs).toBe(30_000);
    expect(loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_BROKER_HEARTBEAT_MS: '5000' }).brokerHeartbeatMs).toBe(5_000);
    expect(() => loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_BROKER_HEARTBEAT_MS: '10' })).toThrow(/COCOON_BROKER_HEARTBEAT_MS/);
  });

  it('takes an external engine with the digests of its weights', () => {
    const c = loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_ENGINE_ARGS: '["--model","Qwen/Qwen3-0.6B","--max-model-len","8192"]', COCOON_MODEL_DIGESTS: JSON.stringify({ 'Qwen/Qwen3-0.6B': 'ab'.repeat(32) }) });
    expect(c.engine).toMatchObject({ url: 'http://127.0.0.1:8000/v1', args: ['--model', 'Qwen/Qwen3-0.6B', '--max-model-len', '8192'], modelDigests: { 'Qwen/Qwen3-0.6B': 'ab'.repeat(32) } });
  });

  it('collects GPU evidence with the configured command, split on spaces, unless COCOON_GPU=off', () => {
    expect(loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE }).gpu).toEqual({ mode: 'auto', env: {} });
    const c = loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_GPU_EVIDENCE_CMD: ' /opt/cocoon/gpu-evidence  --driver nvml ' });
    expect(c.gpu).toEqual({ mode: 'auto', command: ['/opt/cocoon/gpu-evidence', '--driver', 'nvml'], env: {} });
    expect(loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_GPU: 'off', COCOON_GPU_EVIDENCE_CMD: '/opt/x' }).gpu.mode).toBe('off');
    expect(() => loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_GPU_EVIDENCE_CMD: 'gpu-evidence' })).toThrow(/COCOON_GPU_EVIDENCE_CMD: expected an absolute program path/);
    expect(() => loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_GPU: 'on' })).toThrow(/COCOON_GPU:/);
  });

  it('names every bad value in one message', () => {
    expect(() => loadHostConfig({ COCOON_BROKER_URL: 'http://x', COCOON_CLAIMS_TTL_S: '5' })).toThrow(/COCOON_BROKER_URL[\s\S]*COCOON_ENROLL_TOKEN[\s\S]*COCOON_CLAIMS_TTL_S|COCOON_BROKER_URL[\s\S]*COCOON_CLAIMS_TTL_S/);
    expect(() => loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_MODEL_DIGESTS: '{"m":"nothex"}' })).toThrow(/COCOON_MODEL_DIGESTS/);
    expect(() => loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_ENGINE_ARGS: '"--model x"' })).toThrow(/COCOON_ENGINE_ARGS/);
    expect(() => loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_ENGINE_IMAGE: 'vllm:latest' })).toThrow(/COCOON_ENGINE_IMAGE: expected sha256/);
  });
});

describe('the GPU evidence command environment', () => {
  it('passes what NVIDIA tooling needs and none of the agent secrets', () => {
    const c = loadHostConfig({ COCOON_ENROLL_TOKEN: token, ...ENGINE, COCOON_ENGINE_API_KEY: 'engine-secret', PATH: '/usr/bin', NVIDIA_VISIBLE_DEVICES: 'all', LD_LIBRARY_PATH: '/usr/lib/nvidia' });
    expect(c.gpu.env).toEqual({ PATH: '/usr/bin', NVIDIA_VISIBLE_DEVICES: 'all', LD_LIBRARY_PATH: '/usr/lib/nvidia' });
  });
});
