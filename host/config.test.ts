import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_NODE_KEY_FILE, gpuCommandEnv, loadLocalSettings, loadSettings, SETTINGS } from './config';

const ENGINE = { COCOON_ENGINE_URL: 'http://127.0.0.1:8000/v1', COCOON_ENGINE_IMAGE: `sha256:${'e'.repeat(64)}`, COCOON_ENGINE_VERSION: '0.11.0' };
const dir = mkdtempSync(join(tmpdir(), 'cocoon-host-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (json: unknown) => {
  const f = join(dir, `config-${n++}.json`);
  writeFileSync(f, typeof json === 'string' ? json : JSON.stringify(json));
  return f;
};
/** Settings from the environment only: the default config path is not read when it is absent. */
const fromEnv = (env: NodeJS.ProcessEnv) => loadSettings({ env, file: file({}) }).settings;

describe('host configuration from the environment', () => {
  it('requires the engine, and chooses the TEE, the node key path and the metrics address by default', () => {
    expect(() => fromEnv({})).toThrow(/engineUrl \(set it in the config file or COCOON_ENGINE_URL\): required/);
    const c = fromEnv(ENGINE);
    expect(c).toMatchObject({ engineUrl: 'http://127.0.0.1:8000/v1', engineName: 'vLLM', engineArgs: [], modelDigests: {}, tee: 'auto' });
    expect([c.nodeKeyFile, c.metricsAddr, c.drainTimeoutS, c.broker, c.enrollToken]).toEqual([DEFAULT_NODE_KEY_FILE, '127.0.0.1:9477', 600, undefined, undefined]);
    expect(fromEnv({ ...ENGINE, COCOON_TEE: 'simulated' }).tee).toBe('simulated');
  });

  it("fetches Intel collateral from Intel's PCS unless a caching service (PCCS) is named", () => {
    expect(fromEnv(ENGINE).pccsUrl).toBe('https://api.trustedservices.intel.com');
    expect(fromEnv({ ...ENGINE, COCOON_PCCS_URL: 'https://pccs.internal:8081' }).pccsUrl).toBe('https://pccs.internal:8081');
    expect(() => fromEnv({ ...ENGINE, COCOON_PCCS_URL: 'ftp://pccs' })).toThrow(/COCOON_PCCS_URL/);
    expect(() => fromEnv({ ...ENGINE, COCOON_PCCS_URL: 'https://user:pw@pccs' })).toThrow(/pccsUrl \(environment COCOON_PCCS_URL\): credentials/);
  });

  it('takes a list of brokers, comma-separated, in any of the forms the app shows', () => {
    expect(fromEnv({ ...ENGINE, COCOON_BROKER_URL: 'https://a.example, wss://b.example/api/host' }).broker).toEqual(['https://a.example', 'wss://b.example/api/host']);
    expect(() => fromEnv({ ...ENGINE, COCOON_BROKER_URL: 'ftp://a.example' })).toThrow(/broker \(environment COCOON_BROKER_URL\): ftp:\/\/a.example: expected an http\(s\) or ws\(s\) URL/);
  });

  it('pings the broker every 30 s unless told, to notice one that went silent', () => {
    expect(fromEnv(ENGINE).brokerHeartbeatMs).toBe(30_000);
    expect(fromEnv({ ...ENGINE, COCOON_BROKER_HEARTBEAT_MS: '5000' }).brokerHeartbeatMs).toBe(5_000);
    expect(() => fromEnv({ ...ENGINE, COCOON_BROKER_HEARTBEAT_MS: '10' })).toThrow(/COCOON_BROKER_HEARTBEAT_MS/);
  });

  it('takes an external engine with the digests of its weights, as JSON in the environment', () => {
    const c = fromEnv({ ...ENGINE, COCOON_ENGINE_ARGS: '["--model","Qwen/Qwen3-0.6B","--max-model-len","8192"]', COCOON_MODEL_DIGESTS: JSON.stringify({ 'Qwen/Qwen3-0.6B': 'ab'.repeat(32) }) });
    expect(c.engineArgs).toEqual(['--model', 'Qwen/Qwen3-0.6B', '--max-model-len', '8192']);
    expect(c.modelDigests).toEqual({ 'Qwen/Qwen3-0.6B': 'ab'.repeat(32) });
  });

  it('collects GPU evidence with the configured command, split on spaces, unless COCOON_GPU=off', () => {
    expect(fromEnv(ENGINE).gpuEvidenceCmd).toBeUndefined();
    expect(fromEnv({ ...ENGINE, COCOON_GPU_EVIDENCE_CMD: ' /opt/cocoon/gpu-evidence  --driver nvml ' }).gpuEvidenceCmd).toEqual(['/opt/cocoon/gpu-evidence', '--driver', 'nvml']);
    expect(fromEnv({ ...ENGINE, COCOON_GPU: 'off', COCOON_GPU_EVIDENCE_CMD: '/opt/x' }).gpu).toBe('off');
    expect(() => fromEnv({ ...ENGINE, COCOON_GPU_EVIDENCE_CMD: 'gpu-evidence' })).toThrow(/COCOON_GPU_EVIDENCE_CMD\): expected an absolute program path/);
    expect(() => fromEnv({ ...ENGINE, COCOON_GPU: 'on' })).toThrow(/gpu \(environment COCOON_GPU\)/);
  });

  it('names every bad value in one message, with where it came from', () => {
    const e = (() => {
      try {
        fromEnv({ COCOON_BROKER_URL: 'http://x', COCOON_CLAIMS_TTL_S: '5', COCOON_ENGINE_IMAGE: 'vllm:latest', COCOON_METRICS_ADDR: 'everywhere' });
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(ConfigError);
    const lines = (e as Error).message.split('\n');
    expect(lines[0]).toBe('invalid host configuration:');
    expect(lines.slice(1).map((l) => l.trim().split(' ')[0])).toEqual(['engineUrl', 'engineImage', 'engineVersion', 'claimsTtlS', 'metricsAddr']);
    expect(lines.find((l) => l.includes('engineImage'))).toBe('  engineImage (environment COCOON_ENGINE_IMAGE): expected sha256:<64 hex>');
    expect(() => fromEnv({ ...ENGINE, COCOON_MODEL_DIGESTS: '{"m":"nothex"}' })).toThrow(/modelDigests\.m \(environment COCOON_MODEL_DIGESTS\): expected a hex SHA-256/);
    expect(() => fromEnv({ ...ENGINE, COCOON_ENGINE_ARGS: '"--model x"' })).toThrow(/engineArgs \(environment COCOON_ENGINE_ARGS\): expected a JSON array of strings/);
  });

  it('refuses COCOON_HOST_ID, which no longer names the host', () => {
    expect(() => fromEnv({ ...ENGINE, COCOON_HOST_ID: 'host-1' })).toThrow(/COCOON_HOST_ID: the host id is now the public key of the node key/);
  });

  it('treats an empty variable as unset', () => {
    const c = fromEnv({ ...ENGINE, COCOON_ENGINE_API_KEY: '', COCOON_ENROLL_TOKEN: '' });
    expect([c.engineApiKey, c.enrollToken]).toEqual([undefined, undefined]);
  });
});

describe('host configuration from a file, with environment overrides', () => {
  const base = { engineUrl: 'http://127.0.0.1:8000/v1', engineImage: `sha256:${'a'.repeat(64)}`, engineVersion: '0.11.0', engineArgs: ['--model', 'm'], modelDigests: { m: 'cd'.repeat(32) }, broker: ['https://broker.example'], priceCoefficientMilli: 1200 };

  it('reads the file named by --config or COCOON_HOST_CONFIG, typed values as JSON', () => {
    const f = file(base);
    const viaFlag = loadSettings({ env: {}, file: f });
    expect(viaFlag.file).toBe(f);
    expect(viaFlag.settings).toMatchObject({ ...base, engineName: 'vLLM' });
    expect(loadSettings({ env: { COCOON_HOST_CONFIG: f } }).settings.priceCoefficientMilli).toBe(1200);
  });

  it('lets each environment variable override its key, and the command line override both', () => {
    const f = file(base);
    const { settings } = loadSettings({ env: { COCOON_PRICE_COEFFICIENT_MILLI: '900', COCOON_BROKER_URL: 'https://env.example' }, file: f, overrides: { broker: ['https://cli.example'] } });
    expect([settings.priceCoefficientMilli, settings.broker, settings.engineVersion]).toEqual([900, ['https://cli.example'], '0.11.0']);
  });

  it('names the file for values that came from it, and refuses keys it does not know', () => {
    const f = file({ ...base, priceCoefficientMilli: 5, enginUrl: 'typo' });
    expect(() => loadSettings({ env: {}, file: f })).toThrow(new RegExp(`priceCoefficientMilli \\(${f}\\): .*\\n.*enginUrl`));
  });

  it('fails clearly when a named file is missing or not JSON, but runs without the default one', () => {
    expect(() => loadSettings({ env: {}, file: join(dir, 'absent.json') })).toThrow(/cannot read the config file .*absent\.json/);
    expect(() => loadSettings({ env: {}, file: file('{"engineUrl": ') })).toThrow(/is not valid JSON/);
    expect(() => loadSettings({ env: {}, file: file('[1]') })).toThrow(/must hold a JSON object/);
  });

  it('status needs only where the agent listens: no engine settings', () => {
    expect(loadLocalSettings({ env: { COCOON_METRICS_ADDR: '127.0.0.1:9999' }, file: file({}) }).metricsAddr).toBe('127.0.0.1:9999');
    expect(loadLocalSettings({ env: {}, file: file({ metricsAddr: 'off' }) }).metricsAddr).toBe('off');
  });

  it('documents every key with its own environment variable', () => {
    const envs = Object.values(SETTINGS).map((s) => s.env);
    expect(new Set(envs).size).toBe(envs.length);
    for (const s of Object.values(SETTINGS)) expect(s.doc.length).toBeGreaterThan(10);
  });
});

describe('the GPU evidence command environment', () => {
  it('passes what NVIDIA tooling needs and none of the agent secrets', () => {
    expect(gpuCommandEnv({ ...ENGINE, COCOON_ENGINE_API_KEY: 'engine-secret', COCOON_ENROLL_TOKEN: 'x'.repeat(20), PATH: '/usr/bin', NVIDIA_VISIBLE_DEVICES: 'all', LD_LIBRARY_PATH: '/usr/lib/nvidia' })).toEqual({
      PATH: '/usr/bin',
      NVIDIA_VISIBLE_DEVICES: 'all',
      LD_LIBRARY_PATH: '/usr/lib/nvidia',
    });
  });
});
