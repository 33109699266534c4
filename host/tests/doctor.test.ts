import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeEnrollment } from '../agent/enrollment-state';
import { inspectNodeKeyFile, loadOrCreateNodeKey } from '../agent/node-key';
import { doctor } from '../cli/doctor';
import type { CheckResult } from '../doctor/checks';
import type { DoctorProbes } from '../doctor/probes';
import { ccModeOf, parseConfCompute, parseGpuQuery, surveyGpus } from '../machine/nvidia-smi';
import { recordedFixture, recordedNvidiaSmi, type RecordedMachine } from './support/recorded-nvidia-smi';
import { gatedEngine, httpStandIn } from './support/stand-ins';

describe('nvidia-smi output (recorded samples)', () => {
  it('lists GPUs with their memory from --query-gpu', () => {
    expect(parseGpuQuery(recordedFixture('h100-query-gpu.txt'))).toEqual([{ name: 'NVIDIA H100 80GB HBM3', memoryMiB: 81559 }]);
    expect(parseGpuQuery(recordedFixture('h200x2-query-gpu.txt'))).toEqual([{ name: 'NVIDIA H200', memoryMiB: 143771 }, { name: 'NVIDIA H200', memoryMiB: 143771 }]);
    expect(parseGpuQuery(recordedFixture('no-driver.txt'))).toEqual([]);
  });

  it('reads CC state, DevTools mode and readiness from conf-compute, in both the -q and the -f forms', () => {
    expect(parseConfCompute(recordedFixture('conf-compute-q-on.txt'), recordedFixture('conf-compute-d-off.txt'))).toEqual({ state: 'on', devTools: false, ready: true });
    expect(parseConfCompute(recordedFixture('conf-compute-q-off.txt'))).toEqual({ state: 'off', devTools: null, ready: false });
    expect(parseConfCompute(recordedFixture('conf-compute-f-on.txt'), recordedFixture('conf-compute-d-on.txt'))).toEqual({ state: 'on', devTools: true, ready: null });
    expect(ccModeOf(parseConfCompute(recordedFixture('conf-compute-q-on.txt'), recordedFixture('conf-compute-d-on.txt')))).toBe('devtools');
  });

  it('is what the agent reports in machine.gpus, and empty without nvidia-smi', async () => {
    const h200 = await surveyGpus(recordedNvidiaSmi({ query: 'h200x2-query-gpu.txt', ccQuery: 'conf-compute-q-on.txt', devtools: 'conf-compute-d-off.txt' }), 'nvidia-smi');
    expect(h200.gpus).toEqual([{ name: 'NVIDIA H200', memoryMiB: 143771, ccMode: 'on' }, { name: 'NVIDIA H200', memoryMiB: 143771, ccMode: 'on' }]);
    expect(await surveyGpus(recordedNvidiaSmi({}), 'nvidia-smi')).toMatchObject({ gpus: [], problem: 'nvidia-smi: not found' });
    expect((await surveyGpus(recordedNvidiaSmi({ noDriver: true }), '/usr/bin/nvidia-smi')).problem).toMatch(/^\/usr\/bin\/nvidia-smi exited with code 9: NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver/);
  });
});

describe('cocoon-host doctor', () => {
  const MODEL = 'Qwen/Qwen3-8B';
  const dir = mkdtempSync(join(tmpdir(), 'cocoon-doctor-'));
  const nodeKeyFile = join(dir, 'key', 'node.key');
  const configFile = join(dir, 'config.json');
  let engine: Awaited<ReturnType<typeof gatedEngine>>;
  let broker: Awaited<ReturnType<typeof httpStandIn>>;
  let pccs: Awaited<ReturnType<typeof httpStandIn>>;
  let brokerClockOffsetMs = 0;

  beforeAll(async () => {
    engine = await gatedEngine([MODEL]);
    broker = await httpStandIn((req, res) => {
      const date = new Date(Date.now() + brokerClockOffsetMs).toUTCString();
      if (req.url === '/healthz') res.writeHead(200, { 'content-type': 'application/json', date }).end('{"ok":true}');
      else res.writeHead(404, { date }).end();
    });
    pccs = await httpStandIn((req, res) => (req.url === '/tdx/certification/v4/qe/identity' ? res.writeHead(200).end('{}') : res.writeHead(404).end()));
    const key = await loadOrCreateNodeKey(nodeKeyFile);
    writeEnrollment(nodeKeyFile, { hostId: key.hostId, broker: broker.url, enrolledAt: '2026-12-01T10:00:00.000Z' });
    writeFileSync(configFile, JSON.stringify({ broker: [broker.url], nodeKeyFile, engineUrl: `${engine.url}/v1`, engineImage: `sha256:${'a'.repeat(64)}`, engineVersion: '0.11.0', modelDigests: { [MODEL]: 'cd'.repeat(32) }, pccsUrl: pccs.url, gpuEvidenceCmd: '/opt/cocoon/gpu-evidence' }));
  });
  afterAll(async () => {
    await Promise.all([engine?.close(), broker?.close(), pccs?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const READY_GPU: RecordedMachine = { query: 'h100-query-gpu.txt', ccQuery: 'conf-compute-q-on.txt', devtools: 'conf-compute-d-off.txt' };

  /** Runs doctor in process on recorded nvidia-smi output and stand-ins; its exit code, output and checks. */
  async function run(opts: { machine?: RecordedMachine; tdx?: boolean; gpus?: number | Error; env?: NodeJS.ProcessEnv; config?: string } = {}) {
    const probes: DoctorProbes = {
      run: recordedNvidiaSmi(opts.machine ?? READY_GPU),
      tsmAvailable: async () => opts.tdx ?? true,
      collectGpuEvidence: async () => {
        if (opts.gpus instanceof Error) throw opts.gpus;
        return opts.gpus ?? 1;
      },
      inspectNodeKey: inspectNodeKeyFile,
      nodeKeyHostId: async (f) => (await loadOrCreateNodeKey(f)).hostId,
      fetch: (i, init) => fetch(i, init),
      now: () => Date.now(),
      tsmRoot: '/sys/kernel/config/tsm/report',
    };
    const out: string[] = [];
    const code = await doctor({ config: opts.config ?? configFile, json: false }, { env: opts.env ?? {}, out: (l) => out.push(l), err: (l) => out.push(l), onSignal: () => undefined }, probes);
    const json: string[] = [];
    await doctor({ config: opts.config ?? configFile, json: true }, { env: opts.env ?? {}, out: (l) => json.push(l), err: () => undefined, onSignal: () => undefined }, probes);
    const checks = (JSON.parse(json.join('\n')) as { checks: CheckResult[] }).checks;
    return { code, text: out.join('\n'), status: Object.fromEntries(checks.map((c) => [c.id, c.status])), checks };
  }

  it('passes every check on a ready machine (TDX, H100 in CC mode, engine serving digested models, PCCS, broker, clock) and exits 0', async () => {
    const r = await run();
    expect(r.status).toEqual({ config: 'pass', node_key: 'pass', enrolled: 'pass', tdx: 'pass', gpu: 'pass', gpu_cc: 'pass', gpu_evidence: 'pass', engine: 'pass', model_digests: 'pass', pccs: 'pass', broker: 'pass', clock: 'pass' });
    expect(r.code).toBe(0);
    expect(r.text).toContain('PASS  gpu            1 GPU: NVIDIA H100 80GB HBM3 (81559 MiB)');
    expect(r.text).toContain(`engine at ${engine.url}/v1 serves ${MODEL}`);
    expect(r.text.split('\n').at(-1)).toBe('READY: this machine can serve.');
    expect(pccs.requests).toContain('GET /tdx/certification/v4/qe/identity');
  });

  it('on a machine like this one (no TDX, no nvidia-smi) explains each failure with a fix and exits 1', async () => {
    const r = await run({ machine: {}, tdx: false, gpus: new Error('GPU evidence command: could not be run (ENOENT)') });
    expect(r.code).toBe(1);
    expect(r.status).toMatchObject({ tdx: 'fail', gpu: 'fail', gpu_cc: 'skip', gpu_evidence: 'fail', engine: 'pass' });
    expect(r.text).toMatch(/FAIL {2}tdx +no configfs-tsm at \/sys\/kernel\/config\/tsm\/report: this is not a TDX guest/);
    expect(r.text).toMatch(/FAIL {2}gpu +no NVIDIA GPU found: nvidia-smi: not found\n +fix: /);
    expect(r.text.split('\n').at(-1)).toBe('NOT READY: 3 checks failed (tdx, gpu, gpu_evidence). Fix them and run cocoon-host doctor again.');
  });

  it('fails GPUs with CC off, in DevTools (debug) mode or not set ready, each with its own reason', async () => {
    expect((await run({ machine: { ...READY_GPU, ccQuery: 'conf-compute-q-off.txt' } })).checks.find((c) => c.id === 'gpu_cc')).toMatchObject({ status: 'fail', why: 'GPU confidential-computing mode is off' });
    expect((await run({ machine: { ...READY_GPU, devtools: 'conf-compute-d-on.txt' } })).checks.find((c) => c.id === 'gpu_cc')).toMatchObject({ status: 'fail', why: expect.stringContaining('DevTools (debug) mode is on') });
    expect((await run({ machine: { ...READY_GPU, ccQuery: 'conf-compute-q-not-ready.txt' } })).checks.find((c) => c.id === 'gpu_cc')).toMatchObject({ status: 'fail', fix: expect.stringContaining('nvidia-smi conf-compute -srs 1') });
    expect((await run({ machine: { noDriver: true } })).checks.find((c) => c.id === 'gpu')).toMatchObject({ status: 'fail', why: expect.stringContaining('exited with code 9') });
  });

  it('fails a GPU evidence command that fails, and warns when it reports fewer GPUs than nvidia-smi lists', async () => {
    const failing = await run({ gpus: new Error('GPU evidence command: exited with code 3: NVML: Driver Not Loaded') });
    expect(failing.checks.find((c) => c.id === 'gpu_evidence')).toMatchObject({ status: 'fail', why: 'GPU evidence command: exited with code 3: NVML: Driver Not Loaded' });
    const partial = await run({ machine: { ...READY_GPU, query: 'h200x2-query-gpu.txt' }, gpus: 1 });
    expect([partial.status.gpu_evidence, partial.code]).toEqual(['warn', 0]);
  });

  it('fails an engine that is down, a served model without a digest, and a remote engine under TDX', async () => {
    expect((await run({ env: { COCOON_ENGINE_URL: 'http://127.0.0.1:9/v1' } })).status).toMatchObject({ engine: 'fail', model_digests: 'skip' });
    const undigested = await run({ env: { COCOON_MODEL_DIGESTS: JSON.stringify({ other: 'ef'.repeat(32) }) } });
    expect(undigested.checks.find((c) => c.id === 'model_digests')).toMatchObject({ status: 'fail', why: `no weights digest configured for ${MODEL}` });
    expect((await run({ env: { COCOON_ENGINE_URL: 'http://10.0.0.5:8000/v1' } })).checks.find((c) => c.id === 'engine')?.why).toMatch(/not on loopback/);
  });

  it('fails an unreachable broker or PCCS, and a clock the broker disagrees with', async () => {
    expect((await run({ env: { COCOON_BROKER_URL: 'http://127.0.0.1:9' } })).status).toMatchObject({ broker: 'fail', clock: 'skip' });
    expect((await run({ env: { COCOON_PCCS_URL: 'http://127.0.0.1:9' } })).status.pccs).toBe('fail');
    brokerClockOffsetMs = 10 * 60_000;
    try {
      const skewed = await run();
      expect(skewed.checks.find((c) => c.id === 'clock')).toMatchObject({ status: 'fail', fix: expect.stringContaining('NTP') });
      brokerClockOffsetMs = 20_000;
      expect((await run()).status.clock).toBe('warn');
    } finally {
      brokerClockOffsetMs = 0;
    }
  });

  it('fails a node key others can read, a missing one, and an invalid configuration, listing each bad value', async () => {
    chmodSync(nodeKeyFile, 0o644);
    try {
      expect((await run()).checks.find((c) => c.id === 'node_key')).toMatchObject({ status: 'fail', fix: `chmod 600 ${nodeKeyFile}` });
    } finally {
      chmodSync(nodeKeyFile, 0o600);
    }
    const bare = await run({ env: { COCOON_NODE_KEY_FILE: join(dir, 'none', 'node.key') } });
    expect(bare.status).toMatchObject({ node_key: 'fail', enrolled: 'fail' });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ nodeKeyFile, engineImage: 'latest', tee: 'sgx' }));
    const invalid = await run({ config: bad });
    expect(invalid.checks[0]).toMatchObject({ id: 'config', status: 'fail', why: '4 settings missing or invalid' });
    expect(invalid.text).toMatch(/- engineImage \(.*bad\.json\): expected sha256/);
    // What needs no configuration is still checked: the node key, TDX, the GPUs.
    expect(invalid.status).toMatchObject({ node_key: 'pass', tdx: 'pass', gpu: 'pass', engine: 'skip' });
  });

  it('calls a simulated TEE not ready to serve', async () => {
    expect((await run({ env: { COCOON_TEE: 'simulated' } })).status).toMatchObject({ tdx: 'fail', pccs: 'skip' });
  });
});
