import { startBareTarget } from './load/bare-target';
import { startBrokerTarget } from './load/broker-target';
import { startBrokers, type Brokers } from './load/brokers';
import { killAllChildren } from './load/child';
import type { DriverPlan } from './load/driver';
import { loadOptions, type LoadOptions } from './load/options';
import { resultLines, targetLines } from './load/report';
import { alternateSaturation, TargetRun } from './load/run';

/**
 * `npm run load`: one broker on loopback under simulated clients and hosts speaking the real
 * protocol (attested simulated hosts, Telegram sessions, job.create, binary chunk frames, signed
 * receipts, settlement on PostgreSQL), against a bare `ws` relay of the same chunks in the same
 * run (saturated in alternating windows, so both see the same shared machine); then two brokers
 * over NATS (hosts on A, clients on B). Bounded by LOAD_SECONDS and LOAD_STREAMS; every child
 * process is killed at the end. Exits non-zero only when the harness itself fails: targets missed
 * are printed as MISS.
 */
const opts: LoadOptions = loadOptions(process.env);
const t0 = performance.now();
const hardDeadline = t0 + opts.LOAD_SECONDS * 1000;
/** The issue's target for one broker on this machine. */
const TARGET_STREAMS = 10_000;
/** Saturation windows per relay and comparison, alternating. */
const ROUNDS = 4;

/** Progress on stderr, with the seconds since the start: the figures come on stdout at the end of each run. */
const step = (what: string) => console.error(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(3)} s] ${what}`);

let brokers: Brokers | undefined;
/** Stops at once: every child killed, the throwaway database dropped if that is quick. */
function abort(why: string, code: number): void {
  console.error(`load: ${why}: stopping`);
  killAllChildren();
  void Promise.race([brokers?.close(), new Promise((r) => setTimeout(r, 5_000))]).finally(() => process.exit(code));
}
setTimeout(() => abort(`LOAD_SECONDS=${opts.LOAD_SECONDS} spent (and 20 s more) before the run finished`, 1), opts.LOAD_SECONDS * 1000 + 20_000).unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => abort(signal, 130));
process.once('exit', killAllChildren);
process.once('unhandledRejection', (e) => abort(`the harness failed: ${e instanceof Error ? e.stack : String(e)}`, 1));

const left = () => hardDeadline - performance.now();
const hostsFor = (n: number) => Math.ceil(n / opts.LOAD_STREAMS_PER_HOST);
const usersFor = (n: number) => Math.ceil(n / opts.LOAD_STREAMS_PER_USER);
const planFor = (streams: number): DriverPlan => ({
  streams,
  streamsPerHost: opts.LOAD_STREAMS_PER_HOST,
  streamsPerUser: opts.LOAD_STREAMS_PER_USER,
  chunkIntervalMs: opts.LOAD_CHUNK_INTERVAL_MS,
  window: opts.LOAD_WINDOW,
  openConcurrency: 64,
});
const holdMs = opts.LOAD_HOLD_S * 1000;
const windowMs = (opts.LOAD_SATURATE_S * 1000) / ROUNDS;
/** What a broker run needs after its ramp: its hold and the bare relay's, the alternating windows (twice: the bare relay's too), drains. */
const afterRampMs = 2 * (opts.LOAD_CHUNK_INTERVAL_MS + holdMs) + 2 * opts.LOAD_SATURATE_S * 1000 + 2 * ROUNDS * 500 + 2_000;
/**
 * Finishing (final chunks, receipts, settlements): what is not settled by then is counted, and
 * dropped with the database. 30 s: 10,000 streams end here at about 380/s (each a signed receipt
 * checked and a settlement), which 10 s cut short.
 */
const FINISH_MS = 30_000;
/** What the two-broker part needs: two broker processes start in about half a minute here (tsx, migrations, attestation), a short ramp, then as a broker run. */
const clusterNeedMs = afterRampMs + FINISH_MS + 55_000;

const runs: TargetRun[] = [];

/** `count` brokers on a fresh database (over NATS when two): ramp within the time left less `reserveMs`, hold, alternate with the bare relay, finish. */
async function brokerRun(name: string, count: number, streams: number, bare: TargetRun, reserveMs: number): Promise<TargetRun> {
  step(`${name}: starting ${count} broker process(es) on a fresh PostgreSQL database`);
  brokers = await startBrokers({
    count,
    pgAdminUrl: opts.LOAD_PG_URL,
    ...(count > 1 && { cluster: { natsUrl: opts.LOAD_NATS_URL } }),
    verbose: opts.LOAD_VERBOSE,
    ...(opts.LOAD_VERBOSE && { onLine: (l: string) => console.error(`  [${name}] ${l.slice(0, 300)}`) }),
  });
  try {
    const b = brokers;
    const run = await TargetRun.start(name, planFor(streams), (events) =>
      startBrokerTarget({ name, brokers: b, hosts: hostsFor(streams), users: usersFor(streams), streamsPerHost: opts.LOAD_STREAMS_PER_HOST, chunkBytes: opts.LOAD_CHUNK_BYTES, events }));
    runs.push(run);
    try {
      const rampMs = Math.max(3_000, left() - reserveMs - afterRampMs - FINISH_MS);
      step(`${name}: hosts attested and users signed in; opening ${streams} streams (at most ${(rampMs / 1000).toFixed(0)} s)`);
      run.ramp = await run.driver.ramp(rampMs);
      if (run.ramp.opened > 0) {
        step(`${name}: ${run.ramp.opened} streams open; holding them paced`);
        run.hold = await run.driver.hold(holdMs);
        step(`${name}: the bare relay paced with as many streams`);
        run.bareHold = await bare.driver.hold(holdMs, run.hold.held);
        if (windowMs > 0) {
          step(`${name}: saturating, alternating with the bare relay`);
          await alternateSaturation(run, bare, ROUNDS, windowMs);
        }
      }
      step(`${name}: finishing the streams (final chunk, receipt, settlement)`);
      run.finish = await run.driver.finish(Math.min(FINISH_MS, Math.max(3_000, left() - reserveMs)));
      console.log(`${resultLines(run).join('\n')}\n`);
      return run;
    } finally {
      await run.close();
    }
  } finally {
    await brokers.close();
    brokers = undefined;
  }
}

let failed = false;
try {
  console.log(`load test: ${opts.LOAD_STREAMS} streams (${hostsFor(opts.LOAD_STREAMS)} hosts, ${usersFor(opts.LOAD_STREAMS)} users), ${opts.LOAD_CHUNK_BYTES}-byte sealed chunks, ` +
    `one per ${opts.LOAD_CHUNK_INTERVAL_MS} ms per stream while paced (${opts.LOAD_HOLD_S} s), then ${opts.LOAD_WINDOW} in flight per stream ` +
    `(${ROUNDS} windows of ${(windowMs / 1000).toFixed(1)} s per relay, alternating); two brokers: ${opts.LOAD_CLUSTER_STREAMS} streams; budget ${opts.LOAD_SECONDS} s\n`);
  const streamsOfBare = Math.max(opts.LOAD_STREAMS, opts.LOAD_CLUSTER_STREAMS);
  const bare = await TargetRun.start('bare ws relay', planFor(streamsOfBare), (events) =>
    startBareTarget({ hosts: hostsFor(streamsOfBare), clients: usersFor(streamsOfBare), chunkBytes: opts.LOAD_CHUNK_BYTES, events }));
  runs.push(bare);
  step('bare ws relay: opening streams');
  bare.ramp = await bare.driver.ramp(Math.min(20_000, left() / 5));
  step('bare ws relay: holding them paced');
  bare.hold = await bare.driver.hold(holdMs);
  console.log(`${resultLines(bare).join('\n')}\n`);

  const one = await brokerRun('one broker', 1, opts.LOAD_STREAMS, bare, (opts.LOAD_CLUSTER_STREAMS > 0 ? clusterNeedMs : 0) + 3_000);

  let two: TargetRun | string = 'not run: LOAD_CLUSTER_STREAMS=0';
  if (opts.LOAD_CLUSTER_STREAMS > 0) {
    if (left() < clusterNeedMs - 10_000) two = `not run: the time budget is spent (${Math.round(left() / 1000)} s left of LOAD_SECONDS=${opts.LOAD_SECONDS})`;
    else {
      two = await brokerRun('two brokers (hosts on A, clients on B, over NATS)', 2, opts.LOAD_CLUSTER_STREAMS, bare, 5_000)
        .catch((e: unknown) => `not run: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      if (typeof two !== 'string' && (two.ramp?.opened ?? 0) === 0) two = `not run: no stream opened across brokers (${[...two.driver.failures].map(([c, n]) => `${c} x${n}`).join(', ')})`;
    }
  }
  bare.finish = await bare.driver.finish(5_000);
  await bare.close();
  console.log(`targets (one run, ${((performance.now() - t0) / 1000).toFixed(0)} s):`);
  targetLines(one, TARGET_STREAMS).forEach((l) => console.log(l));
  if (typeof two === 'string') console.log(`two brokers: ${two}`);
  else targetLines(two, opts.LOAD_CLUSTER_STREAMS, null).forEach((l) => console.log(`${l}   [two brokers]`));
} catch (e) {
  failed = true;
  console.error('load: the harness failed:', e);
} finally {
  for (const run of runs) await run.close().catch((e: unknown) => console.error(`load: closing ${run.name} failed:`, e));
  await brokers?.close().catch((e: unknown) => console.error('load: cleanup failed:', e));
  killAllChildren();
}
process.exit(failed ? 1 : 0);
