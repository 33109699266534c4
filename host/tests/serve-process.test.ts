import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyNodeHello } from '@cocoon/shared/protocol/node-key';
import { EnrollmentStateSchema } from '../agent/enrollment-state';
import { runCli } from '../cli/cli';
import { autoBroker } from './support/fake-broker';
import { gatedEngine } from './support/stand-ins';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MODEL = 'stub/model';

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });

/** The real agent process (`node --import tsx host/main.ts …`), its output and exit. */
function agentProcess(args: string[], env: NodeJS.ProcessEnv) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'host/main.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const s of [child.stdout, child.stderr]) s?.setEncoding('utf8').on('data', (d: string) => lines.push(...d.split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, lines, exited, online: () => lines.find((l) => / is online \(engine /.test(l)) };
}

describe('the agent process: enroll, status, drain on SIGTERM, run again without the token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cocoon-serve-'));
  const nodeKeyFile = join(dir, 'state', 'node.key');
  let broker: Awaited<ReturnType<typeof autoBroker>>;
  let engine: Awaited<ReturnType<typeof gatedEngine>>;
  let env: NodeJS.ProcessEnv;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    broker = await autoBroker();
    engine = await gatedEngine([MODEL]);
    env = {
      COCOON_HOST_CONFIG: '/dev/null',
      COCOON_NODE_KEY_FILE: nodeKeyFile,
      COCOON_TEE: 'simulated',
      COCOON_ENGINE_URL: `${engine.url}/v1`,
      COCOON_ENGINE_IMAGE: `sha256:${'0'.repeat(64)}`,
      COCOON_ENGINE_VERSION: '1',
      COCOON_MODEL_DIGESTS: JSON.stringify({ [MODEL]: 'ab'.repeat(32) }),
      COCOON_METRICS_ADDR: `127.0.0.1:${await freePort()}`,
      COCOON_NVIDIA_SMI: '/nonexistent/nvidia-smi',
      LOG_LEVEL: 'warn',
    };
  });
  afterAll(async () => {
    running.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
    await Promise.all([broker?.close(), engine?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('enroll creates the node key, enrolls with the token through the origin URL, saves the broker and serves', async () => {
    const p = agentProcess(['enroll', 'enroll-token-0123456789', '--broker', broker.origin], env);
    running.push(p.child);
    await expect.poll(p.online, { timeout: 60_000, interval: 100 }).toBeDefined();
    const hello = broker.first('host.hello')!;
    const state = EnrollmentStateSchema.parse(JSON.parse(readFileSync(join(dir, 'state', 'enrollment.json'), 'utf8')));
    expect(state).toMatchObject({ broker: broker.origin });
    expect(p.lines).toContain(`created node key ${nodeKeyFile} (host id ${state.hostId})`);
    expect(p.online()).toBe(`cocoon-host ${state.hostId} is online (engine ${engine.url}/v1)`);
    expect(statSync(nodeKeyFile).mode & 0o777).toBe(0o600);
    expect(hello.enrollToken).toBe('enroll-token-0123456789');
    expect(await verifyNodeHello(broker.challenges[0]!, state.hostId, hello.nodeSignature)).toBe(true);
    expect(hello.machine).toEqual({ agentVersion: '0.1.0', gpus: [] });

    // `status` asks the running agent.
    const out: string[] = [];
    const code = await runCli(['status'], { env, out: (l) => out.push(l), err: (l) => out.push(l), onSignal: () => undefined });
    expect([code, out.join('\n')]).toEqual([0, expect.stringMatching(new RegExp(`^host {6}${state.hostId}\\nstate {5}online\\nbroker {4}connected \\(${broker.wsUrl}\\)\\njobs {6}0 running of 8`))]);

    // SIGTERM while a job runs: the broker hears host.drain, a new job is refused, the running one finishes, exit 0.
    const job = await broker.job();
    broker.send(job);
    await expect.poll(() => broker.first('job.start', job.meta.jobId), { timeout: 10_000 }).toBeDefined();
    p.child.kill('SIGTERM');
    await expect.poll(() => broker.first('host.drain'), { timeout: 10_000 }).toBeDefined();
    const late = await broker.job();
    broker.send(late);
    await expect.poll(() => broker.first('job.error', late.meta.jobId), { timeout: 10_000 }).toMatchObject({ error: { code: 'host.busy' } });
    const json: string[] = [];
    await runCli(['status', '--json'], { env, out: (l) => json.push(l), err: () => undefined, onSignal: () => undefined });
    expect(JSON.parse(json.join(''))).toMatchObject({ state: 'draining', draining: true, activeJobs: 1 });
    expect(p.child.exitCode).toBeNull();
    engine.release();
    expect(await p.exited).toBe(0);
    expect(broker.first('job.end', job.meta.jobId)).toBeDefined();
    expect(p.lines).toContain('drained: all jobs finished; stopped');
  }, 90_000);

  it('run needs neither the token nor the broker again, keeps its host id, and stops at once when idle', async () => {
    const before = broker.all('host.hello').length;
    const p = agentProcess(['run'], env);
    running.push(p.child);
    await expect.poll(p.online, { timeout: 60_000, interval: 100 }).toBeDefined();
    const hello = broker.all('host.hello')[before]!;
    expect(hello.enrollToken).toBeUndefined();
    const { hostId } = EnrollmentStateSchema.parse(JSON.parse(readFileSync(join(dir, 'state', 'enrollment.json'), 'utf8')));
    expect(p.online()).toContain(hostId);
    p.child.kill('SIGINT');
    expect(await p.exited).toBe(0);
  }, 90_000);

  it('refuses to start with a node key others can read (exit 2)', async () => {
    const { chmodSync } = await import('node:fs');
    chmodSync(nodeKeyFile, 0o644);
    try {
      const p = agentProcess(['run'], env);
      expect(await p.exited).toBe(2);
      expect(p.lines.join('\n')).toContain(`has mode 0644: it must be readable by its owner only (run: chmod 600 ${nodeKeyFile})`);
    } finally {
      chmodSync(nodeKeyFile, 0o600);
    }
  }, 60_000);
});
