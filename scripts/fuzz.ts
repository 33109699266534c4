import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fuzzSeed, FuzzReportSchema, runFuzz, type FuzzReport, type FuzzTarget } from '@cocoon/shared/testing/fuzz/harness';

/**
 * `npm run fuzz`: every parser's fuzz target (the ones `npm test` runs a few thousand cases of) for
 * FUZZ_RUNS inputs each (default 1 000 000; on 2 cores the slowest targets, which verify signatures
 * on every input, take up to ~45 min, the whole run a few hours), or less when FUZZ_SECONDS caps
 * the time per target (default: no cap; FUZZ_SECONDS=120 for a quick pass, which reports the
 * targets it stopped early), in FUZZ_JOBS processes (default: one per CPU). FUZZ_ONLY=prefix,... picks targets;
 * FUZZ_SEED replays a run. Prints per target: inputs, inputs/s, failures, and the first failure
 * shrunk by fast-check (seed and path replay it); exits 1 when anything failed.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 1_000_000);
const SECONDS = process.env.FUZZ_SECONDS ? Number(process.env.FUZZ_SECONDS) : Number.POSITIVE_INFINITY;
const JOBS = Number(process.env.FUZZ_JOBS ?? availableParallelism());
const ONLY = process.env.FUZZ_ONLY?.split(',').filter(Boolean);

const families: Record<string, () => Promise<FuzzTarget[]>> = {
  tdx: async () => (await import('@cocoon/shared/testing/fuzz/tdx-targets')).tdxTargets,
  nvidia: async () => (await import('@cocoon/shared/testing/fuzz/nvidia-targets')).nvidiaTargets,
  x509: async () => (await import('@cocoon/shared/testing/fuzz/x509-targets')).x509Targets,
  engine: async () => (await import('@cocoon/host/tests/fuzz/engine-targets')).engineTargets,
  server: async () => (await import('@cocoon/server/tests/fuzz/server-targets')).serverTargets,
  protocol: async () => (await import('@cocoon/shared/testing/fuzz/protocol-targets')).protocolTargets(),
  frames: async () => (await import('@cocoon/server/tests/fuzz/server-targets')).brokerFrameTargets(),
};

/** Child: runs one target and prints its report as one JSON line. */
async function worker(family: string, name: string): Promise<void> {
  const target = (await families[family]!()).find((t) => t.name === name);
  if (!target) throw new Error(`no fuzz target ${family}/${name}`);
  // Progress on stderr (the parent passes it through) every 5 minutes: a full run takes hours on 2 cores.
  const report = await runFuzz(target, { runs: RUNS, seconds: SECONDS, seed: fuzzSeed(), progressEveryS: 300 });
  process.stdout.write(`FUZZ-REPORT ${JSON.stringify(report)}\n`);
}

function runChild(family: string, name: string): Promise<FuzzReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--worker', family, name], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('FUZZ-REPORT '));
      if (line) resolve(FuzzReportSchema.parse(JSON.parse(line.slice('FUZZ-REPORT '.length))));
      else resolve({ name, inputs: 0, ms: 0, failures: 1, verifies: false, firstFailure: `worker exited with ${code} and no report (a crash or a hang that never returned)\n${out.slice(-2000)}` });
    });
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

function line(r: FuzzReport): string {
  const rate = r.ms > 0 ? (r.inputs / r.ms) * 1000 : 0;
  return `${r.name.padEnd(34)} ${fmt(r.inputs).padStart(11)} inputs ${fmt(rate).padStart(9)} inputs/s ${String(r.failures).padStart(6)} failures${r.verifies ? '   (full signature verification on every input)' : ''}`;
}

async function main(): Promise<void> {
  const planned: { family: string; name: string; verifies: boolean }[] = [];
  for (const [family, load] of Object.entries(families)) {
    for (const t of await load()) if (!ONLY || ONLY.some((p) => t.name.startsWith(p))) planned.push({ family, name: t.name, verifies: t.verifies });
  }
  // The verifying targets are the slowest by far: started first, the fast ones fill the other jobs around them.
  planned.sort((a, b) => Number(b.verifies) - Number(a.verifies));
  console.log(`fuzzing ${planned.length} targets: ${fmt(RUNS)} inputs each${Number.isFinite(SECONDS) ? ` (at most ${SECONDS} s each)` : ''}, ${JOBS} at a time, seed ${fuzzSeed()}`);
  const reports: FuzzReport[] = [];
  const queue = [...planned];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.max(1, JOBS) }, async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const r = await runChild(next.family, next.name);
        reports.push(r);
        console.log(line(r));
      }
    }),
  );
  const total = reports.reduce((a, r) => ({ ...a, inputs: a.inputs + r.inputs, ms: a.ms + r.ms, failures: a.failures + r.failures }), { name: 'total', inputs: 0, ms: 0, failures: 0, verifies: false } as FuzzReport);
  console.log('-'.repeat(100));
  console.log(line({ ...total, ms: performance.now() - started }).replace('inputs/s', 'inputs/s (wall)'));
  const short = reports.filter((r) => r.inputs < RUNS);
  if (short.length) console.log(`stopped by the ${SECONDS} s budget before ${fmt(RUNS)} inputs: ${short.map((r) => r.name).join(', ')}`);
  for (const r of reports.filter((x) => x.firstFailure)) console.log(`\n${r.name}: first failure\n${r.firstFailure}`);
  process.exitCode = total.failures > 0 ? 1 : 0;
}

if (process.argv[2] === '--worker') await worker(process.argv[3]!, process.argv[4]!);
else await main();
